# Takamul — the two commands of the quick start:
#   make run    installs what is missing, builds, migrates, seeds demo data, serves :3000
#   make test   formatting, clippy, unit + integration tests (SQLite and PostgreSQL),
#               release build, and the Playwright browser suite
.PHONY: run test build tools clean-data

run:
	@scripts/run.sh

test:
	@scripts/test.sh

tools:
	@scripts/install-tools.sh

build: tools
	@scripts/build-release.sh

clean-data:
	rm -f data/takamul.db data/takamul.db-wal data/takamul.db-shm
