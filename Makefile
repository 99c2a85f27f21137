# Takamul — the two commands of the quick start:
#   make run    installs what is missing, builds, migrates, seeds demo data, serves :3000
#   make test   formatting, clippy, unit + integration tests (SQLite and PostgreSQL),
#               and the Playwright browser suite
# and, for work on the code:
#   make dev    `make run` that rebuilds and restarts the server when a source file changes
#   make build  the deployable release build (target/release/server and target/site)
#   make deploy-check  docs/DEPLOY.md followed on this machine: the server behind
#               nginx with TLS, in production mode, signed in through it
.PHONY: run dev test build tools clean-data deploy-check

run:
	@scripts/run.sh

dev:
	@scripts/dev.sh

test:
	@scripts/test.sh

tools:
	@scripts/install-tools.sh

build: tools
	@scripts/build-release.sh

deploy-check:
	@scripts/deploy-check.sh

clean-data:
	rm -f data/takamul.db data/takamul.db-wal data/takamul.db-shm
