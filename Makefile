# vigil — the two commands a newcomer needs are in README.md:
#   go run ./cmd/vigil quickstart      and      make test

GO ?= go
STATICCHECK_VERSION := v0.8.2

.PHONY: test build lint fmt vet staticcheck quickstart bench fuzz clean

## test: every test, with the race detector (what CI runs)
test:
	$(GO) test -race -count=1 ./...

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
