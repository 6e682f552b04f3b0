# Shortcuts for day-to-day work. The README's two commands need none of them.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run fmt lint test test-pg openapi openapi-check client web bench chaos

run:            ## serve on the embedded defaults
	cargo run --release
fmt:            ## format the Rust code
	cargo fmt --all
lint:           ## clippy, warnings as errors
	cargo clippy --workspace --all-targets -- -D warnings
test:           ## the whole suite (scripts/test.sh)
	scripts/test.sh
test-pg:        ## the Rust integration tests on PostgreSQL only
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) cargo test --test api
openapi:        ## regenerate openapi/openapi.json and the TypeScript SDK
	cargo run -q -- openapi > openapi/openapi.json
	cd clients/typescript && npm run generate
openapi-check:  ## fail if the committed spec or SDK is stale
	cargo test --test api the_served_spec_and_the_cli_spec_equal_the_committed_one
	cd clients/typescript && npm run check:generated
client:         ## the SDK tests against the release server
	cargo build --release && cd clients/typescript && npm test
web:            ## the frontend dev server on http://localhost:5173
	cd clients/web && npm install && npm run dev
bench:          ## wrk benchmarks of the release build
	scripts/bench.sh
chaos:          ## all faults at once for 60 s against the release build (scripts/chaos.sh)
	cargo build --release && scripts/chaos.sh 60
