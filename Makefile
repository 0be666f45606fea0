# vigil — the two commands a newcomer needs are in README.md:
#   go run ./cmd/vigil quickstart      and      make test

GO ?= go
SHELL := bash
STATICCHECK_VERSION := v0.8.2

.PHONY: test build lint fmt vet staticcheck quickstart bench fuzz clean

## test: every test, with the race detector (what CI runs). Tests that read
## the real public data in ../shared/testdata (or $$VIGIL_SHARED_TESTDATA) skip
## when it is absent and are counted in one line; under CI=true they fail.
test:
	@set -o pipefail; $(GO) test -race -count=1 -timeout 30m -json ./... | $(GO) run ./tools/testsum

## build: a static binary in bin/vigil
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/vigil ./cmd/vigil

## lint: gofmt, go vet and staticcheck, as CI runs them
lint: fmt vet staticcheck

fmt:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## quickstart: the demo on the embedded store
quickstart:
	$(GO) run ./cmd/vigil quickstart

## bench: all benchmarks, once each (figures go to docs/performance.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fuzz: run every fuzz target for FUZZTIME each (default 30s)
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin vigil-quickstart

## uploadmem: the API server's peak RSS under hostile uploads: 4 concurrent
## single-line bodies of 200 MB to the CMMS import and 4 to the support
## addendum route, against `vigil serve` in a child process (docs/performance.md).
## Fails when the peak passes 300 MB.
.PHONY: uploadmem
uploadmem:
	CGO_ENABLED=0 $(GO) build -o bin/vigil ./cmd/vigil
	$(GO) run ./tools/uploadmem -vigil bin/vigil

## scale: whole SBOM imports (service.ImportSBOM) of 1k/10k/100k/300k synthetic
## components into SQLite and PostgreSQL, one line each with components/s and
## peak RSS (docs/performance.md). Takes a few minutes and about 1 GB in
## $TMPDIR. SCALE_POSTGRES is a server where the user may create schemas
## (each run uses a fresh schema and drops it); SCALE_POSTGRES= skips PostgreSQL.
## SCALE_SIZES (CycloneDX JSON) and SCALE_SPDX (SPDX JSON) choose the sizes.
SCALE_SIZES ?= 1000 10000 100000 300000
SCALE_SPDX ?= 100000
SCALE_POSTGRES ?= $(or $(VIGIL_TEST_POSTGRES),postgres://postgres@127.0.0.1:5432/test?sslmode=disable)
.PHONY: scale
scale:
	$(GO) build -o bin/sbomimport ./tools/sbomimport
	@uptime
	@for db in "" $(if $(SCALE_POSTGRES),"$(SCALE_POSTGRES)"); do \
	  for n in $(SCALE_SIZES); do bin/sbomimport -n $$n -format cyclonedx-json -db "$$db" || exit 1; done; \
	  for n in $(SCALE_SPDX); do bin/sbomimport -n $$n -format spdx-json -db "$$db" || exit 1; done; \
	done
	@uptime

## scale-kb: full knowledge-base imports (service.ImportFeeds) of synthetic
## feeds the size of the real ones — NVD 300,000 CVEs (one CVE API 2.0
## response) and OSV 500,000 records (an all.zip, OSV schema checked) — into
## SQLite and PostgreSQL, each imported twice (the second time every record
## is unchanged, as in a daily sync); one line per import with records/s and
## peak RSS (docs/performance.md). Takes many minutes (about 35 on a busy
## 2-core machine) and about 1.5 GB in $TMPDIR. SCALE_KB_POSTGRES is a server where
## the user may create schemas (each run uses a fresh schema and drops it);
## SCALE_KB_POSTGRES= skips PostgreSQL. SCALE_KB_FLAGS=-skip-osv-schema
## leaves out the OSV schema check.
SCALE_KB_NVD ?= 300000
SCALE_KB_OSV ?= 500000
SCALE_KB_FLAGS ?=
SCALE_KB_POSTGRES ?= $(or $(VIGIL_TEST_POSTGRES),postgres://postgres@127.0.0.1:5432/test?sslmode=disable)
.PHONY: scale-kb
scale-kb:
	$(GO) build -o bin/kbimport ./tools/kbimport
	@uptime
	@for db in "" $(if $(SCALE_KB_POSTGRES),"$(SCALE_KB_POSTGRES)"); do \
	  bin/kbimport -source nvd -n $(SCALE_KB_NVD) $(SCALE_KB_FLAGS) -db "$$db" || exit 1; \
	  bin/kbimport -source osv -n $(SCALE_KB_OSV) $(SCALE_KB_FLAGS) -db "$$db" || exit 1; \
	done
	@uptime

## matchbench: matching speed and accuracy, vigil vs osv-scanner, on identical
## inputs (docs/performance.md, "Matching: vigil vs osv-scanner"). Generates a
## ~200k-advisory OSV corpus and 1k/10k/100k-component SBOMs into
## MATCHBENCH_WORK (about 1 GB), runs osv-scanner offline on each SBOM, imports
## the corpus into a fresh SQLite store and runs vigil scan on each; prints a
## table and writes MATCHBENCH_WORK/matchbench.md. Needs osv-scanner:
##   go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.5.0
## The 100k osv-scanner run alone can take most of an hour on 2 cores.
MATCHBENCH_SIZES ?= 1000,10000,100000
MATCHBENCH_WORK ?= $(or $(TMPDIR),/tmp)/vigil-matchbench
MATCHBENCH_FLAGS ?=
.PHONY: matchbench
matchbench:
	$(GO) build -o bin/matchbench ./tools/matchbench
	bin/matchbench -work $(MATCHBENCH_WORK) -sizes $(MATCHBENCH_SIZES) $(MATCHBENCH_FLAGS)

## scale-fleet: "which of my devices does CVE-X touch?" over the synthetic
## fleet of 100,000 assets, 2,000 releases × 300 components (internal/fleet/synth)
## in SQLite: service.Exposure for the widest, a median, a narrow and an absent
## vulnerability, then a CMMS import of the 100,000 assets (first and again)
## (docs/performance.md). Each loads the fleet first: a few minutes, ~1 GB.
.PHONY: scale-fleet
scale-fleet:
	VIGIL_FLEET_BENCH=full $(GO) test ./internal/app/assets -run '^$$' -bench 'Exposure' -benchtime 10x -benchmem -timeout 60m -v
	VIGIL_FLEET_BENCH=full $(GO) test ./internal/app/assets -run '^$$' -bench 'ImportAssets' -benchtime 1x -benchmem -timeout 60m -v

## load: the API under load (docs/performance.md, "API under load"): a real
## vigil serve on a loopback port over a fresh SQLite file, then over a fresh
## schema of PostgreSQL, each hit by LOAD_CLIENTS concurrent clients on read
## and write routes for LOAD_REQUESTS requests in all (or LOAD_TIME, whichever
## ends first); prints throughput, p50/p99/max and errors with the load
## average. LOAD_POSTGRES= skips PostgreSQL. Exits 1 if any request failed.
LOAD_CLIENTS ?= 32
LOAD_REQUESTS ?= 8000
LOAD_TIME ?= 2m
LOAD_POSTGRES ?= $(or $(VIGIL_TEST_POSTGRES),postgres://postgres@127.0.0.1:5432/test?sslmode=disable)
.PHONY: load
load:
	CGO_ENABLED=0 $(GO) build -o bin/vigil ./cmd/vigil
	$(GO) build -o bin/load ./tools/load
	bin/load -vigil bin/vigil -clients $(LOAD_CLIENTS) -requests $(LOAD_REQUESTS) -time $(LOAD_TIME)
	$(if $(LOAD_POSTGRES),bin/load -vigil bin/vigil -db "$(LOAD_POSTGRES)" -clients $(LOAD_CLIENTS) -requests $(LOAD_REQUESTS) -time $(LOAD_TIME))
