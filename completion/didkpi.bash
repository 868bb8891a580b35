# bash completion for didkpi(1).                           -*- shell-script -*-
# Installed by 'make install' as $(PREFIX)/share/bash-completion/completions/didkpi
# (bash-completion loads it on first use); or: source completion/didkpi.bash
#
# Commands, options, KPI names, metrics, breakdowns, templates and the like
# come from the program itself ('didkpi complete ...', see COMPLETION in
# didkpi(1)); service, channel and method codes from the database when one
# answers within 2 seconds (the -d/--dbname on the command line, else
# $DIDKPI_DB, the PG* environment or the private cluster).

# _didkpi_ask ARGS...: didkpi complete ARGS, with the line's -d/--dbname.
_didkpi_ask()
{
	local i w prog=${COMP_WORDS[0]}
	local -a db=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-d | --dbname)
			# "--dbname" "=" "x" when = breaks words
			if [[ ${COMP_WORDS[i + 1]} == = ]]; then
				db=(-d "${COMP_WORDS[i + 2]}")
			else
				db=(-d "${COMP_WORDS[i + 1]}")
			fi
			;;
		--dbname=*) db=(-d "${w#--dbname=}") ;;
		esac
	done
	# the value as typed, in quotes: without them (no eval: completing
	# must not run what is on the line)
	if ((${#db[@]})); then
		w=${db[1]}
		if [[ $w == \'*\' || $w == \"*\" ]]; then
			w=${w:1:${#w}-2}
		fi
		db[1]=$w
	fi
	[[ $prog == \~/* ]] && prog=$HOME/${prog#\~/}
	"$prog" "${db[@]}" complete "$@" 2>/dev/null
}

# _didkpi_values WHAT CUR [LIST]: COMPREPLY from 'didkpi complete WHAT'
# matching CUR; with LIST, CUR is a comma-separated list and the last name
# is completed.
_didkpi_values()
{
	local what=$1 cur=$2 list=${3:-} head= n
	local -a names

	if [[ -n $list && $cur == *,* ]]; then
		head=${cur%,*},
		cur=${cur##*,}
	fi
	case $what in
	lang) names=(th en) ;;
	report-formats) names=(xlsx html pdf) ;;
	*) mapfile -t names < <(_didkpi_ask "$what") ;;
	esac
	COMPREPLY=()
	for n in "${names[@]}"; do
		[[ $n == "$cur"* ]] && COMPREPLY+=("$head$n")
	done
}

# _didkpi_option_value CMD OPTION CUR: complete the argument of OPTION;
# returns 1 when OPTION takes none.
_didkpi_option_value()
{
	local cmd=$1 opt=$2 cur=$3

	case $opt in
	-k | --kpi)
		# kpi takes a list; chart trend one KPI
		_didkpi_values kpis "$cur" "$([[ $cmd == kpi ]] && echo list)" ;;
	-b | --by) _didkpi_values breakdowns "$cur" list ;;
	-m | --metric)
		_didkpi_values metrics "$cur" "$([[ $cmd == compare ]] && echo list)" ;;
	-s | --service) _didkpi_values services "$cur" list ;;
	-t | --template) _didkpi_values templates "$cur" ;;
	-f | --format)
		_didkpi_values "$([[ $cmd == report ]] && echo report-)formats" "$cur" ;;
	-i | --interval) _didkpi_values intervals "$cur" ;;
	-p | --period) _didkpi_values periods "$cur" ;;
	--lang) _didkpi_values lang "$cur" ;;
	-o | --output | --rejects | --pseudonymize | --pseudonymise | --dir)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	*)
		# another option with an argument (--tz, --window ...): no names
		if _didkpi_ask options $cmd $kind | grep -qx -- "$opt="; then
			COMPREPLY=()
		else
			return 1
		fi ;;
	esac
	return 0
}

_didkpi()
{
	# kind: chart's first argument (event-study and its have their own options)
	local cur=${COMP_WORDS[COMP_CWORD]} prev= opt= cmd= kind= w i npos=0 o
	local -a opts

	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# The command: the first word that is not a global option or its value.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -z $cmd ]]; then
			case $w in
			-d | --dbname | --timeout | --retry)
				((i++))
				[[ ${COMP_WORDS[i]} == = ]] && ((i++))
				;;
			-*) ;;
			*) cmd=$w ;;
			esac
		elif [[ $w != -* && $w != = && ${COMP_WORDS[i - 1]} != = ]]; then
			# a positional argument of the command, unless an option's value
			o=${COMP_WORDS[i - 1]}
			[[ $o == -* ]] && _didkpi_ask options "$cmd" $kind | grep -qx -- "$o=" && continue
			[[ $cmd == chart && $npos == 0 ]] && kind=$w
			((npos++))
		fi
	done

	# An option's value: "--opt=va" (when = does not break words: the
	# reply keeps "--opt="), "--opt" "=" "va", "--opt" "va".
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		cur=${cur#*=}
		if [[ -n $cmd ]] && _didkpi_option_value "$cmd" "$opt" "$cur"; then
			COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
			return 0
		fi
		opt=
	elif [[ $cur == = && $prev == -* ]]; then
		opt=$prev
		cur=
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $prev == -* ]]; then
		opt=$prev
	fi
	if [[ -n $opt ]]; then
		if [[ -z $cmd ]]; then
			case $opt in
			-d | --dbname | --timeout | --retry) COMPREPLY=(); return 0 ;;
			esac
		elif _didkpi_option_value "$cmd" "$opt" "$cur"; then
			return 0
		fi
	fi

	if [[ $cur == -* ]]; then
		mapfile -t opts < <(_didkpi_ask options $cmd $kind)
		COMPREPLY=()
		for o in "${opts[@]}"; do
			# "--period=" is offered as is, the value typed next to it
			[[ $o == -?= ]] && o=${o%=}
			[[ $o == "$cur"* ]] && COMPREPLY+=("$o")
		done
		[[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi

	case $cmd in
	'') _didkpi_values commands "$cur" ;;
	help) ((npos == 0)) && _didkpi_values commands "$cur" ;;
	db) ((npos == 0)) && COMPREPLY=($(compgen -W "start stop status" -- "$cur")) ;;
	chart) ((npos == 0)) && _didkpi_values charts "$cur" ;;
	load)
		if ((npos == 0)); then
			_didkpi_values relations "$cur"
		else
			COMPREPLY=($(compgen -f -- "$cur"))
			compopt -o filenames 2>/dev/null
		fi ;;
	*) COMPREPLY=() ;;
	esac
	return 0
}

complete -F _didkpi didkpi
