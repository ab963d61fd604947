# The entry points: `make run` and `make test`. Everything else is a building block.
.PHONY: run test bench bench-instructions bench-profile fuzz deps web build release openapi lint fmt plugins testbed-start testbed-stop clean-data help

LISTEN ?= 127.0.0.1:8080
DATA_DIR ?= data
CARGO ?= cargo

help:
	@echo "make run      install what is needed, build web UI + server, serve on $(LISTEN) (LISTEN=, DATA_DIR= to change)"
	@echo "make test     install what the tests need, start the testbed, run every test (what CI runs)"
	@echo "make openapi  regenerate openapi/openapi.json and the web client from the code"
	@echo "make lint     cargo fmt --check + clippy"
	@echo "make plugins  build the example WASM plugins (wasm32-wasip2) into installable directories"
	@echo "make bench    benchmarks: inventory sync, live stats, WASM plugin calls and compiles"
	@echo "make bench-instructions  the sync benchmark's cold passes counted in instructions (callgrind)"
	@echo "make bench-profile  one cold 10,000-domain sync pass sampled by perf, by thread and function"
	@echo "make fuzz     fuzz the domain XML parser for FUZZ_SECONDS (default 60)"

deps:
	bash scripts/install-deps.sh run

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --prefer-offline

web: web/node_modules/.package-lock.json
	cd web && npm run build

release: web
	$(CARGO) build --release --locked -p virtumancer

run: deps web
	$(CARGO) run --release --locked -p virtumancer -- serve --listen $(LISTEN) --data-dir $(DATA_DIR)

test:
	bash scripts/test-all.sh

plugins:
	bash scripts/build-plugins.sh

bench: deps
	$(CARGO) bench --locked -p virtumancer --bench sync
	$(CARGO) bench --locked -p virtumancer --bench stats
	$(CARGO) bench --locked -p virtumancer-plugin-host --bench plugins

bench-instructions: deps
	bash scripts/bench-instructions.sh

bench-profile: deps
	bash scripts/bench-profile.sh

fuzz:
	$(CARGO) install --locked cargo-fuzz
	mkdir -p core/libvirt-xml/fuzz/corpus/domain
	cp core/libvirt-xml/tests/corpus/domain-*.xml core/libvirt-xml/fuzz/corpus/domain/
	cd core/libvirt-xml/fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run domain -- -max_total_time=$${FUZZ_SECONDS:-60} -max_len=65536

openapi:
	$(CARGO) run -q -p virtumancer -- openapi --output openapi/openapi.json
	cd web && npm run gen:api

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

fmt:
	$(CARGO) fmt --all

testbed-start:
	bash scripts/testbed/libvirtd.sh start
	bash scripts/testbed/sshd.sh start
	bash scripts/testbed/ovs.sh start
	bash scripts/testbed/nshost.sh start

testbed-stop:
	bash scripts/testbed/nshost.sh stop
	bash scripts/testbed/ovs.sh stop
	bash scripts/testbed/sshd.sh stop
	bash scripts/testbed/libvirtd.sh stop
