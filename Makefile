# didkpi: Digital ID KPIs from PostgreSQL to CSV, charts and workbooks.
#   make            build ./didkpi
#   make check      install missing packages, build, run every test (also
#                   under AddressSanitizer + UBSan); ends "N passed, N failed"
#   make demo       install, build, start the private database, fill it with
#                   the demo department, write charts and a workbook
#   make install    PREFIX=/usr/local DESTDIR= ; make uninstall
#                   (also the bash and zsh completion: BASHCOMPDIR, ZSHCOMPDIR;
#                   with PREFIX=/usr on Debian say
#                   ZSHCOMPDIR=/usr/share/zsh/vendor-completions)
#   make bench      benchmarks (bench/README.md); make fuzz  parser fuzzing
#   make check-citus  the Citus cluster and hot-standby replica tests only
# V=1 shows the commands.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/didkpi
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
INSTALL ?= install
PKG_CONFIG ?= pkg-config

CC ?= cc
CFLAGS ?= -O2 -g
PKGS = libpq cairo pangocairo fontconfig xlsxwriter libcrypto libpng
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wno-format-nonliteral -Wvla
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -pthread $(WARN) -Ilib -I$(B) -MMD -MP \
             $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(CFLAGS) $(XCFLAGS)
LDLIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lcsv -lm -pthread
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# B is the build directory: build/ normally, build/asan for the sanitizer build.
B ?= build

ifeq ($(V),1)
Q =
else
Q = @
endif

LIB_SRC = $(sort $(wildcard lib/*.c))
CMD_SRC = $(sort $(wildcard cmd/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
SQL_FILES = $(shell find sql -name '*.sql' -not -path '*/examples/*' | LC_ALL=C sort)

LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o) $(B)/sqlres_data.o
CMD_OBJ = $(CMD_SRC:%.c=$(B)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

ifeq ($(B),build)
PROG = didkpi
else
PROG = $(B)/didkpi
endif

.PHONY: all check check-asan check-citus unit deps install uninstall clean demo bench fuzz
all: $(PROG)

$(PROG): $(CMD_OBJ) $(LIB_OBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

TEMPLATES = $(sort $(wildcard reports/templates/*.ini))

# The SQL and the shipped report templates, compiled into the binary.
$(B)/sqlres_data.c: tools/embed-sql.sh $(SQL_FILES) $(TEMPLATES)
	@mkdir -p $(B)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)tools/embed-sql.sh sql reports/templates > $@.tmp && mv $@.tmp $@

$(B)/sqlres_data.o: $(B)/sqlres_data.c
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)

deps:
	@tools/install-deps.sh

# The whole suite, first on the normal build, then on the sanitizer build;
# tests/run prints the combined "N passed, N failed" as its last line.
check: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory B=build/asan XCFLAGS="$(SAN)" all unit
	@tests/run ./didkpi build build/asan/didkpi build/asan

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo.sh ./didkpi

bench: all
	@bench/run.sh ./didkpi
	@bench/citus.sh ./didkpi

# The Citus cluster and hot-standby tests alone (issue 14; also in check).
# tests/e2e/citus.sh skips, saying why, where ../shared/vendor/citus is
# absent or Citus is not installed.
check-citus: deps
	@$(MAKE) --no-print-directory all
	@DIDKPI_TESTS="citus replica" tests/run ./didkpi build

fuzz:
	@tests/fuzz/run.sh

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)
	$(INSTALL) -m 755 didkpi $(DESTDIR)$(BINDIR)/didkpi
	$(INSTALL) -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man7
	$(INSTALL) -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/
	cd sql && find . -type d -exec $(INSTALL) -d $(DESTDIR)$(DATADIR)/sql/{} \;
	cd sql && find . -type f -name '*.sql' -exec $(INSTALL) -m 644 {} $(DESTDIR)$(DATADIR)/sql/{} \;
	cd reports && find templates -type d -exec $(INSTALL) -d $(DESTDIR)$(DATADIR)/{} \;
	cd reports && find templates -type f -exec $(INSTALL) -m 644 {} $(DESTDIR)$(DATADIR)/{} \;
	$(INSTALL) -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	$(INSTALL) -m 644 completion/didkpi.bash $(DESTDIR)$(BASHCOMPDIR)/didkpi
	$(INSTALL) -m 644 completion/_didkpi $(DESTDIR)$(ZSHCOMPDIR)/_didkpi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/didkpi
	cd man && for m in *.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	cd man && for m in *.7; do rm -f $(DESTDIR)$(MANDIR)/man7/$$m; done
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(BASHCOMPDIR)/didkpi $(DESTDIR)$(ZSHCOMPDIR)/_didkpi

clean:
	rm -rf build didkpi

-include $(shell find $(B) -name '*.d' 2>/dev/null)
