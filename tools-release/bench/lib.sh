# lib.sh: helpers for bench sections (sourced).
#
#   bench_time NAME RUNS WARMUP CMD   time CMD (a shell command) with hyperfine;
#                                sets T_MEAN T_SD T_MEDIAN T_MIN (seconds)
#   bench_rss CMD                peak RSS in KiB of the largest process of CMD
#   bench_xs_rss ARGS...         xenstable's own peak RSS and its children's
#                                (git archive), in KiB: XS_RSS XS_CHILD_RSS
#   md_bytes N / md_ratio A B / md_kib N      formatting for the report

bench_header() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	printf '# xenstable bench\n\n'
	printf -- '- date: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf -- '- machine: %s CPUs (%s), %s, load average %s\n' "$(nproc)" "$cpu" "$mem" \
		"$(cut -d" " -f1-3 /proc/loadavg)"
	printf -- '- xenstable %s; %s\n' "$("$XENSTABLE" --version | cut -d" " -f2)" "$(git --version)"
	if [ "$BENCH_KIND" = real ]; then
		printf -- '- source: %s at %s (commit %s)\n' "$BENCH_SRC" "$BENCH_REF" \
			"$(git -C "$BENCH_SRC" rev-parse "$BENCH_REF^{commit}")"
	else
		printf -- '- source: synthetic tree, bench/synth-repo.sh (3,200 files), %s\n' "$BENCH_REF"
	fi
	printf -- '- timings: hyperfine, %s runs after a warm-up; median shown\n\n' "$BENCH_RUNS"
}

bench_time() {
	_name=$1 _runs=$2 _warm=$3
	shift 3
	hyperfine --style none --warmup "$_warm" --runs "$_runs" --command-name "$_name" \
		--export-csv "$BENCH_OUT/raw/$_name.csv" "$*" >/dev/null 2>"$BENCH_OUT/raw/$_name.err" || {
		cat "$BENCH_OUT/raw/$_name.err" >&2
		return 1
	}
	# command,mean,stddev,median,user,system,min,max
	set -- $(tail -1 "$BENCH_OUT/raw/$_name.csv" | awk -F, '{ print $(NF-6), $(NF-5), $(NF-4), $(NF-1) }')
	T_MEAN=$1 T_SD=$2 T_MEDIAN=$3 T_MIN=$4
}

bench_rss() {
	/usr/bin/time -f %M -o "$BENCH_OUT/raw/rss" sh -c "$*" >/dev/null 2>&1
	cat "$BENCH_OUT/raw/rss"
}

bench_xs_rss() {
	XENSTABLE_RUSAGE=1 "$XENSTABLE" "$@" 2>"$BENCH_OUT/raw/xs-rss" >/dev/null
	XS_RSS=$(sed -n 's/.*rusage: maxrss_kib=\([0-9]*\).*/\1/p' "$BENCH_OUT/raw/xs-rss")
	XS_CHILD_RSS=$(sed -n 's/.*children_maxrss_kib=\([0-9]*\).*/\1/p' "$BENCH_OUT/raw/xs-rss")
}

md_bytes() {
	printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
}

md_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

md_kib() {
	awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'
}

md_secs() {
	awk -v s="$1" 'BEGIN { printf "%.2f s", s }'
}
