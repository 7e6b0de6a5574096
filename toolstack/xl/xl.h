#ifndef XL_H
#define XL_H

#include <libxl.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern libxl_ctx *ctx;

/* Print "Usage: xl CMD ..." to stderr and return the exit status 2. */
int help(const char *command);

int main_create(int argc, char **argv);
int main_info(int argc, char **argv);
int main_list(int argc, char **argv);

#endif /* XL_H */
