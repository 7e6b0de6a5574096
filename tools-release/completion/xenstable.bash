# bash completion for xenstable: commands, sub-commands, options (read
# from each command's --help, so they never drift) and branch names
# (from branches/*.conf of the maintenance repository).

_xenstable_repo() {
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == -C ]]; then
			printf '%s\n' "${COMP_WORDS[i + 1]}"
			return
		fi
	done
	printf '.\n'
}

_xenstable_branches() {
	local repo f
	repo=$(_xenstable_repo)
	for f in "$repo"/branches/*.conf; do
		[[ -e $f ]] || continue
		f=${f##*/}
		printf '%s\n' "${f%.conf}"
	done
}

_xenstable_options() {
	"${COMP_WORDS[0]}" "$@" --help 2>/dev/null |
		grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

_xenstable() {
	local cur prev cmd sub i words=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	case $prev in
	-C | --source | --html | --out | -o | --dist | --patches | --plan)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	--keyring | --tarball)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--branch)
		COMPREPLY=($(compgen -W "$(_xenstable_branches)" -- "$cur"))
		return
		;;
	esac

	# The command and sub-command, skipping global options.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-C | --source) ((i++)) ;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=${COMP_WORDS[i]}
			elif [[ -z $sub ]]; then
				sub=${COMP_WORDS[i]}
			fi
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-C --source --json --quiet --version --help" -- "$cur"))
		else
			words=$("${COMP_WORDS[0]}" help 2>/dev/null |
				sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
		fi
		return
	fi
	case $cmd in
	xsa | abi | bundle | upstream)
		if [[ -z $sub ]]; then
			case $cmd in
			upstream) words="init" ;;
			abi) words="dump check" ;;
			*) words=$("${COMP_WORDS[0]}" $cmd --help 2>/dev/null |
				sed -n '/^subcommands:/,/^$/p' | awk 'NF > 1 { print $1 }') ;;
			esac
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
			return
		fi
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_xenstable_options $cmd $sub)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_xenstable_branches)" -- "$cur"))
		fi
		;;
	help)
		words=$("${COMP_WORDS[0]}" help 2>/dev/null |
			sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		;;
	*)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_xenstable_options $cmd)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_xenstable_branches)" -- "$cur"))
		fi
		;;
	esac
}

complete -F _xenstable xenstable
