#ifndef __XEN_ERRNO_H__
#define __XEN_ERRNO_H__

#define EPERM    1
#define ESRCH    3
#define ENOMEM  12
#define EFAULT  14
#define EINVAL  22
#define ENOSPC  28
#define ENOSYS  38

#endif /* __XEN_ERRNO_H__ */
