#!/bin/bash
# For people at a shell (issue 13 item 5): "did you mean" wherever a name
# is rejected; didkpi complete and the bash and zsh completion scripts run
# for real; --list in --lang and --format; tables that fit 100 columns
# (measured by an independent width count in Python), --wide; a table or
# a language asked for is honoured in a pipe; make install of the scripts.
. "$(dirname "$0")/../lib.sh"

unset COLUMNS
NODB="host=$W/no-such-dir user=didkpi dbname=none"

# msg WHAT EXPECTED: the first line of stderr is exactly EXPECTED.
msg() { eq "$1" "$2" "$(head -1 "$W/err")"; }

# --- did you mean ------------------------------------------------------
run 64 "chart without a kind" "$BIN" chart -o "$W/x.png"
msg "... names every kind" "didkpi: which chart? trend, compare, methods, channels, event-study or its"
run 64 "a mistyped chart kind" "$BIN" chart evnt-study -o "$W/x.png"
msg "... suggests event-study" "didkpi: unknown chart 'evnt-study' (did you mean 'event-study'?): trend, compare, methods, channels, event-study or its"
run 0 "chart --help" "$BIN" chart --help
has "chart --help: event-study, see didkpi-effects(1)" "^  event-study .*didkpi-effects\(1\)" "$W/out"
has "chart --help: its, see didkpi-its(1)" "^  its .*didkpi-its\(1\)" "$W/out"
run 64 "a mistyped command exits 64" "$BIN" reprot
msg "... and says what it meant" "didkpi: unknown command 'reprot' (did you mean 'report'?)"
run 64 "a command far from any" "$BIN" xyzzy
msg "... gets no suggestion" "didkpi: unknown command 'xyzzy'"
run 64 "help with a mistyped command" "$BIN" help comapre
msg "... suggests too" "didkpi: unknown command 'comapre' (did you mean 'compare'?)"
run 64 "the hidden helper is not suggested" "$BIN" complet
lacks "... for a command" "did you mean 'complete'" "$W/err"
run 64 "a mistyped KPI" "$BIN" -d "$NODB" kpi --kpi requests,digital_chanel_rate
msg "... names the KPI meant" "didkpi: --kpi: unknown name 'digital_chanel_rate' (did you mean 'digital_channel_rate'?)"
run 64 "a mistyped breakdown" "$BIN" -d "$NODB" kpi --by servce
msg "... names the breakdown" "didkpi: --by: unknown name 'servce' (did you mean 'service'?)"
run 64 "chart: a mistyped kind" "$BIN" -d "$NODB" chart trnd -o "$W/x.png"
has "... names the kind" "^didkpi: unknown chart 'trnd' \(did you mean 'trend'\?\)" "$W/err"
run 64 "chart: a mistyped KPI" "$BIN" -d "$NODB" chart trend -k digital_chanel_rate -o "$W/x.png"
has "... names the KPI" "unknown KPI 'digital_chanel_rate' \(did you mean 'digital_channel_rate'\?\)" "$W/err"
run 64 "compare: a mistyped metric" "$BIN" -d "$NODB" compare --metric completion_rat
has "... names the metric" "unknown name 'completion_rat' \(did you mean 'completion_rate'\?\)" "$W/err"
run 64 "report: a mistyped template" "$BIN" -d "$NODB" report --template montly
msg "... names the template" "didkpi: no template 'montly' (did you mean 'monthly'?)"
mkdir -p "$W/tpl"
cp "$TOP/reports/templates/monthly.ini" "$W/tpl/budget_office.ini"
run 64 "report: a template of the user's own" env DIDKPI_TEMPLATE_PATH="$W/tpl" "$BIN" -d "$NODB" report --template budget_ofice
msg "... is suggested too" "didkpi: no template 'budget_ofice' (did you mean 'budget_office'?)"
run 64 "load: a mistyped relation" "$BIN" -d "$NODB" load servics "$W/x.csv"
has "... names the relation" "^didkpi: unknown relation 'servics' \(did you mean 'services'\?\)" "$W/err"
run 64 "db: a mistyped action" "$BIN" db strat
has "... names the action" "^didkpi: unknown db action 'strat' \(did you mean 'start'\?\)" "$W/err"

newdb t_ux
"$BIN" -d "$DB" demo --scale 0.2 --seed 7 --until 2026-10 >"$W/demo.log" 2>&1 ||
	not_ok "demo for the tables" "$(tail -3 "$W/demo.log")"
run 64 "compare: a mistyped service" "$BIN" -d "$DB" compare --service competency_certificat
msg "... names the service, from the database" "didkpi: unknown service 'competency_certificat' (did you mean 'competency_certificate'?)"
run 64 "chart: a mistyped service" "$BIN" -d "$DB" chart trend --service competency_certificate,competency_renwal -o "$W/x.png"
has "... names it" "unknown service 'competency_renwal' \(did you mean 'competency_renewal'\?\)" "$W/err"
run 64 "a service far from any" "$BIN" -d "$DB" compare --service zzzz
msg "... gets no suggestion" "didkpi: unknown service 'zzzz'"

# --- didkpi complete ---------------------------------------------------
run 0 "complete commands" "$BIN" complete commands
eq "the commands of 'didkpi help', not the helper" \
	"$("$BIN" help | sed -n 's/^  \([a-z]*\) .*/\1/p' | grep -v '^$' | sed -n '/^help$/,$p' | tr '\n' ' ')" \
	"$(tr '\n' ' ' <"$W/out")"
lacks "help does not list complete" "^  complete " <("$BIN" help)
run 0 "complete kpis" "$BIN" complete kpis
eq "the KPIs of kpi --list" "$("$BIN" kpi --list -f csv | tail -n +2 | cut -d, -f1)" "$(cat "$W/out")"
run 0 "complete options kpi" "$BIN" complete options kpi
has "long options with an argument end in =" "^--period=$" "$W/out"
has "their short forms too" "^-p=$" "$W/out"
has "flags as they are" "^--wide$" "$W/out"
lacks "no global option among kpi's" "^--timeout" "$W/out"
run 0 "complete options (global)" "$BIN" complete options
has "global: --timeout=" "^--timeout=$" "$W/out"
run 0 "complete templates" env DIDKPI_TEMPLATE_PATH="$W/tpl" "$BIN" complete templates
eq "built in and the user's, sorted" "analyst budget_office monthly" "$(tr '\n' ' ' <"$W/out" | sed 's/ $//')"
run 0 "complete services from the database" "$BIN" -d "$DB" complete services
eq "every service code" "$(q "$DBNAME" -c "SELECT service_code FROM didkpi.services ORDER BY 1")" "$(cat "$W/out")"
run 69 "no database: status 69" "$BIN" -d "$NODB" complete services
eq "... and quietly" "" "$(cat "$W/err" "$W/out")"
# A server that accepts and never answers: the helper gives up by itself
# (the outer timeout only keeps a broken build from hanging the suite).
mkdir -p "$W/mute"
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(5)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' "$W/mute/.s.PGSQL.5432" &
mute=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S "$W/mute/.s.PGSQL.5432" ] && break; sleep 0.2; done
run 69 "a server that never answers: status 69, no hang" timeout 60 "$BIN" -d "host=$W/mute user=didkpi dbname=x" complete services
kill "$mute" 2>/dev/null
wait "$mute" 2>/dev/null
run 0 "complete options chart its" "$BIN" complete options chart its
has "chart its: --seasonal" "^--seasonal$" "$W/out"
has "chart its: --at=" "^--at=$" "$W/out"
run 0 "complete options chart event-study" "$BIN" complete options chart event-study
has "chart event-study: --kpi=" "^--kpi=$" "$W/out"
lacks "chart event-study: not chart's --interval" "^--interval=" "$W/out"
run 0 "complete charts" "$BIN" complete charts
eq "every chart kind" "trend compare methods channels event-study its" "$(tr '\n' ' ' <"$W/out" | sed 's/ $//')"
run 64 "complete options: one kind at most" "$BIN" complete options chart its x
run 64 "complete something unknown" "$BIN" complete kpsi
msg "... suggests" "didkpi: cannot complete 'kpsi' (did you mean 'kpis'?)"

# --- bash completion ---------------------------------------------------
# bcomp WORD...: the candidates bash offers for the last word.
bcomp() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
		_didkpi
		printf "%s\n" "${COMPREPLY[@]}"' bcomp "$TOP/completion/didkpi.bash" "$BIN" "$@" |
		tr '\n' ' ' | sed 's/ $//'
}
eq "bash: commands" "report refresh" "$(bcomp re)"
eq "bash: every command" "$("$BIN" complete commands | tr '\n' ' ' | sed 's/ $//')" "$(bcomp '')"
eq "bash: options of kpi" "--wide" "$(bcomp kpi --wi)"
eq "bash: an option with an argument" "--period=" "$(bcomp kpi --per)"
eq "bash: KPI names" "digital_id_enrolments digital_id_enrolment_rate digital_id_use_rate" "$(bcomp kpi --kpi digital_id)"
eq "bash: the last of a list" "requests,satisfaction_mean requests,satisfaction_csat" "$(bcomp kpi --kpi requests,sat)"
eq "bash: --opt = value, as bash splits it" "satisfaction_mean satisfaction_csat" "$(bcomp kpi --kpi = sat)"
eq "bash: one KPI for a chart" "satisfaction_mean satisfaction_csat" "$(bcomp chart trend -k sat)"
eq "bash: breakdowns" "service" "$(bcomp kpi -b serv)"
eq "bash: formats" "table tsv" "$(bcomp compare -f t)"
eq "bash: languages" "th en" "$(bcomp kpi --lang '')"
eq "bash: metrics" "satisfaction_mean satisfaction_csat" "$(bcomp compare --metric sat)"
eq "bash: templates" "analyst" "$(bcomp report --template an)"
eq "bash: chart kinds" "compare channels" "$(bcomp chart c)"
eq "bash: chart kinds event-study and its" "event-study its" "$(bcomp chart e; echo -n ' '; bcomp chart i)"
eq "bash: the commands effects and its" "effects its" "$(bcomp e; echo -n ' '; bcomp it)"
eq "bash: options of effects" "--seed=" "$(bcomp effects --se)"
eq "bash: options of its" "--service= --seasonal --series" "$(bcomp its --se)"
eq "bash: options of chart its, its own" "--seasonal" "$(bcomp chart its --sea)"
eq "bash: ... not chart trend's" "" "$(bcomp chart trend --sea)"
eq "bash: options of chart event-study" "--control" "$(bcomp chart event-study --con)"
eq "bash: after chart its's option value, its options still" "--seasonal" "$(bcomp chart its -k requests --sea)"
eq "bash: report formats" "xlsx html pdf" "$(bcomp report -f '')"
eq "bash: relations" "services service_requests" "$(bcomp load serv)"
eq "bash: db actions" "start stop status" "$(bcomp db s)"
eq "bash: services from the database named by -d" "competency_certificate competency_renewal" \
	"$(bcomp -d "$DB" compare --service compet)"
eq "bash: no database: no names, no noise" "" "$(bcomp -d "$NODB" compare --service compet 2>&1)"
eq "bash: an option's value is not a positional" "0" "$(bcomp load --tz UTC services '' | grep -c services)"
eq "bash: -d's value in quotes, as typed" "competency_certificate competency_renewal" \
	"$(bcomp -d "'$DB'" compare --service compet)"
eq "bash: after --tz nothing" "" "$(bcomp kpi --tz '')"
eq "bash: global options" "--timeout= --retry=" "$(bcomp --t; echo -n ' '; bcomp --r)"
# The script is loaded by bash-completion from the installed place.
if [ -f /usr/share/bash-completion/bash_completion ]; then
	mkdir -p "$W/xdg/bash-completion/completions"
	cp "$TOP/completion/didkpi.bash" "$W/xdg/bash-completion/completions/didkpi"
	eq "bash-completion loads it on demand" "complete -F _didkpi didkpi" \
		"$(XDG_DATA_DIRS=$W/xdg bash --norc --noprofile -ic '. /usr/share/bash-completion/bash_completion; __load_completion didkpi; complete -p didkpi' 2>/dev/null)"
fi

# --- zsh completion ----------------------------------------------------
# A real interactive zsh on a pseudo-terminal (zsh/zpty) with compinit and
# completion/ in $fpath types each line and a TAB; compadd is wrapped to
# print each candidate as a line "@@name@@". One line of output per case:
# the candidates, sorted.
if command -v zsh >/dev/null; then
	cat >"$W/zt.zsh" <<'EOF'
zmodload zsh/zpty
dir=$1; shift
zpty z 'zsh -f -i'
zpty -w z "PS1='' PROMPT='' RPROMPT=''; fpath=($dir \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() { local -a __h; builtin compadd -O __h "$@"; print -r -l -- "" "@""@"${^__h}"@@"; builtin compadd "$@" }'
zpty -w z 'compdef _didkpi_t didkpi; _didkpi_t() { _didkpi "$@"; print -r -l -- "" "@@E""ND@@" }'
for line in "$@"; do
	zpty -w -n z "$line"$'\t'
	zpty -r z out '*@@END@@*'
	print -r -- ${(j: :)${(ou)${(M)${(f)out//$'\r'/}:#@@*@@}//@@/}:#END}
	zpty -w z $'\C-u'
done
zpty -d z
EOF
	timeout 120 zsh -f "$W/zt.zsh" "$TOP/completion" \
		"$BIN rep" "$BIN kpi --wi" "$BIN kpi --kpi requests,digital_ch" "$BIN kpi --kpi=sat" \
		"$BIN -d '$DB' compare -s compet" "$BIN load serv" "$BIN chart " "$BIN report --template " \
		"$BIN kpi -f t" "$BIN -d '$NODB' compare -s compet" "$BIN kpi --per" \
		"$BIN chart its --sea" "$BIN report -f " "$BIN e" >"$W/zsh.out" 2>"$W/zsh.err"
	eq "zsh ran every case" "14" "$(wc -l <"$W/zsh.out")"
	z() { sed -n "${1}p" "$W/zsh.out"; }
	eq "zsh: commands" "report" "$(z 1)"
	eq "zsh: options of kpi" "--wide" "$(z 2)"
	eq "zsh: the last of a list" "digital_channel_rate" "$(z 3)"
	eq "zsh: --opt=value" "satisfaction_csat satisfaction_mean" "$(z 4)"
	eq "zsh: services from the database named by -d" "competency_certificate competency_renewal" "$(z 5)"
	eq "zsh: relations" "service_requests services" "$(z 6)"
	eq "zsh: chart kinds" "channels compare event-study its methods trend" "$(z 7)"
	eq "zsh: templates" "analyst monthly" "$(z 8)"
	eq "zsh: formats" "table tsv" "$(z 9)"
	eq "zsh: no database: no names" "" "$(z 10)"
	eq "zsh: an option with an argument" "--period=" "$(z 11)"
	eq "zsh: options of chart its, its own" "--seasonal" "$(z 12)"
	eq "zsh: report formats" "html pdf xlsx" "$(z 13)"
	eq "zsh: the command effects" "effects" "$(z 14)"
else
	not_ok "zsh is installed (tools/install-deps.sh)"
fi

# --- listings in --lang and --format -----------------------------------
run 0 "kpi --list in a pipe" "$BIN" kpi --list
eq "csv with a header" "kpi,label,unit,breakdowns,definition" "$(head -1 "$W/out")"
has "Thai labels by default" "^requests,จำนวนคำขอรับบริการ,count,service unit channel method," "$W/out"
eq "a row per KPI" "$("$BIN" complete kpis | wc -l)" "$(tail -n +2 "$W/out" | wc -l)"
run 0 "kpi --list --lang en -f csv" "$BIN" kpi --list --lang en -f csv
has "English labels" "^requests,Service requests,count,service unit channel method,Requests submitted in the period$" "$W/out"
run 0 "kpi --list -f json --lang en" "$BIN" kpi --list -f json --lang en
eq "json: an object per KPI" "digital_channel_rate Digital service usage rate fraction" \
	"$(jq -r '.rows[] | select(.kpi == "digital_channel_rate") | "\(.kpi) \(.label) \(.unit)"' "$W/out")"
run 0 "kpi --list -f tsv" "$BIN" kpi --list -f tsv
eq "tsv header" "$(printf 'kpi\tlabel\tunit\tbreakdowns\tdefinition')" "$(head -1 "$W/out")"
run 0 "kpi --lang en --list (order of options)" "$BIN" kpi --lang en --list
has "--lang alone: a table for people, in a pipe too" "^KPI +Name +Unit" "$W/out"
has "... in English" "^digital_channel_rate +Digital service usage rate +share" "$W/out"
run 0 "compare --list in a pipe" "$BIN" compare --list
eq "compare --list: csv" "metric,label,test" "$(head -1 "$W/out")"
has "compare --list: Thai label" "^completion_rate,อัตราคำขอที่ดำเนินการเสร็จ,z-test" "$W/out"
run 0 "compare --list --lang en -f json" "$BIN" compare --list --lang en -f json
eq "compare --list: json" "Completion rate" "$(jq -r '.rows[] | select(.metric == "completion_rate") | .label' "$W/out")"

# --- a table or a language asked for is honoured in a pipe --------------
K() { "$BIN" -d "$DB" kpi --period 2026-09 "$@"; }
run 0 "kpi in a pipe, nothing asked" K -k requests
eq "csv" "period,period_start,period_end,kpi,breakdown,key,value,numerator,denominator,target,suppressed,label" "$(head -1 "$W/out")"
run 0 "kpi --lang en in a pipe" K -k requests --lang en
has "a table in English" "^(Period|KPI) " "$W/out"
lacks "not csv" "^period,period_start" "$W/out"
run 0 "kpi --lang th in a pipe" K -k requests --lang th
has "a table in Thai" "กันยายน 2569" "$W/out"
run 0 "kpi -f table in a pipe" K -k requests -f table --lang en
has "the table asked for" "September 2026" "$W/out"
run 0 "--lang with -o x.csv: the file's format" K -k requests --lang en -o "$W/k.csv"
eq "csv file" "period,period_start,period_end,kpi,breakdown,key,value,numerator,denominator,target,suppressed,label" "$(head -1 "$W/k.csv")"
run 0 "compare --lang en in a pipe" "$BIN" -d "$DB" compare --lang en
has "compare: a table" "^metric +before +after" "$W/out"

# --- tables that fit ----------------------------------------------------
# width FILE: the widest line in terminal columns, counted independently
# (Python's unicodedata: marks Mn/Me and format characters take none, East
# Asian wide two).
width() {
	python3 -c '
import sys, unicodedata as u
def w(l):
    return sum(0 if u.category(c) in ("Mn", "Me", "Cf") else 2 if u.east_asian_width(c) in "WF" else 1 for c in l)
print(max(w(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$1"
}
# le WHAT A B: A <= B.
le() { if [ -n "$2" ] && [ "$2" -le "$3" ]; then ok "$1"; else not_ok "$1" "$2 is more than $3"; fi; }
# marks_attached FILE: no line and no cell (after two spaces) starts with
# a Thai mark: a mark never leaves its letter when text wraps.
marks_attached() {
	python3 -c '
import sys, re, unicodedata as u
bad = [l for l in open(sys.argv[1], encoding="utf-8")
       for cell in re.split("  +", l.rstrip("\n")) if cell and u.category(cell[0]) == "Mn"]
print(len(bad))' "$1"
}
C() { "$BIN" -d "$DB" compare "$@"; }
run 0 "compare --lang en -f table" C --lang en -f table
cp "$W/out" "$W/c_en.txt"
le "compare in English fits 100 columns" "$(width "$W/c_en.txt")" 100
has "a heading per service" "^service: competency_certificate   name: Certificate of knowledge and competence$" "$W/c_en.txt"
has "the rows under it" "^Requests per month +[0-9]" "$W/c_en.txt"
has "says which columns are not shown and how to see them" "^\(columns not shown: .*test, coverage; --wide shows every column\)$" "$W/c_en.txt"
run 0 "compare --lang en -f table --wide" C --lang en -f table --wide
cp "$W/out" "$W/c_wide.txt"
gt_w=$(width "$W/c_wide.txt")
if [ "$gt_w" -gt 100 ]; then ok "--wide is wider than 100 ($gt_w)"; else not_ok "--wide is wider than 100" "$gt_w"; fi
eq "--wide: a line per row, as the csv" "$(C -f csv | wc -l)" "$(wc -l <"$W/c_wide.txt")"
has "--wide: every column" "^service +name +metric +adopted +before +after +change +change % +95% CI +p +n before +n after +test +coverage$" "$W/c_wide.txt"
run 0 "compare in Thai" C -f table
cp "$W/out" "$W/c_th.txt"
le "compare in Thai fits 100 columns" "$(width "$W/c_th.txt")" 100
has "Thai heading" "^บริการ: competency_certificate   ชื่อบริการ: " "$W/c_th.txt"
has "the note in Thai" "^\(คอลัมน์ที่ไม่แสดง: .*; --wide แสดงทุกคอลัมน์\)$" "$W/c_th.txt"
run 0 "compare --did" C -f table --did --lang en
le "compare --did fits 100 columns" "$(width "$W/out")" 100
for lang in th en; do
	run 0 "kpi by every breakdown ($lang)" K -f table --lang $lang --by service,unit,channel,method
	cp "$W/out" "$W/k_$lang.txt"
	le "kpi by every breakdown fits 100 columns ($lang)" "$(width "$W/k_$lang.txt")" 100
	eq "Thai marks stay with their letters ($lang)" "0" "$(marks_attached "$W/k_$lang.txt")"
done
# Wrapping moves text, it loses none: the wide and the fitted tables hold
# the same letters (not counting spaces, and the one heading that the
# constant period column becomes).
run 0 "kpi two months, fitted" K -f table --by service --interval month --period 2026-08-01..2026-10-01 -k requests,satisfaction_mean
cp "$W/out" "$W/k2.txt"
K -f table --by service --interval month --period 2026-08-01..2026-10-01 -k requests,satisfaction_mean --wide >"$W/k2w.txt"
le "two months fit" "$(width "$W/k2.txt")" 100
eq "the same letters, wrapped" "same" "$(python3 -c '
import sys, collections as co
def letters(p, drop=""):
    c = co.Counter(ch for ch in open(p, encoding="utf-8").read() if not ch.isspace())
    return c
a, b = letters(sys.argv[1]), letters(sys.argv[2])
# an empty column (no target for these KPIs) is left out with its name
extra = b - a
print("same" if not (a - b) and set(extra) <= set("เป้าหมาย") else "differ: %r %r" % (a - b, extra))' "$W/k2.txt" "$W/k2w.txt")"
# The width follows $COLUMNS when it is not a terminal.
COLUMNS=70 "$BIN" kpi --list -f table --lang en >"$W/l70.txt"
le "COLUMNS=70 is honoured" "$(width "$W/l70.txt")" 70
has "the low-value column goes first" "^\(columns not shown: Breakdowns; --wide shows every column\)$" "$W/l70.txt"
COLUMNS=70 "$BIN" kpi --list -f table --lang th >"$W/l70th.txt"
le "COLUMNS=70 in Thai" "$(width "$W/l70th.txt")" 70
eq "Thai definitions wrap with their marks" "0" "$(marks_attached "$W/l70th.txt")"
# On a terminal, its own width (script(1) gives the command a pty).
if command -v script >/dev/null && command -v stty >/dev/null; then
	script -qec "stty cols 80 rows 50; '$BIN' -d '$DB' compare --lang en -f table" /dev/null | tr -d '\r' >"$W/tty.txt"
	le "on an 80-column terminal: 80 columns" "$(width "$W/tty.txt")" 80
	has "... with the table" "^Requests per" "$W/tty.txt"
fi

# --- make install --------------------------------------------------------
if [ -x "$TOP/didkpi" ] && command -v make >/dev/null; then
	make -s -C "$TOP" -o all install DESTDIR="$W/dest" PREFIX=/usr ZSHCOMPDIR=/usr/share/zsh/vendor-completions >"$W/make.log" 2>&1 ||
		not_ok "make install" "$(tail -5 "$W/make.log")"
	if cmp -s "$TOP/completion/didkpi.bash" "$W/dest/usr/share/bash-completion/completions/didkpi" &&
		cmp -s "$TOP/completion/_didkpi" "$W/dest/usr/share/zsh/vendor-completions/_didkpi"; then
		ok "make install puts both scripts where bash-completion and zsh look"
	else
		not_ok "make install puts both scripts where bash-completion and zsh look" "$(find "$W/dest" -path '*compl*')"
	fi
	make -s -C "$TOP" -o all uninstall DESTDIR="$W/dest" PREFIX=/usr ZSHCOMPDIR=/usr/share/zsh/vendor-completions >"$W/make.log" 2>&1
	eq "make uninstall removes them" "" "$(find "$W/dest" -type f)"
fi

finish
