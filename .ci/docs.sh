#!/usr/bin/env bash
# rustdoc of the library with every rustdoc warning an error: broken or
# private intra-doc links, bare URLs, invalid HTML. The modules that carry
# `#![deny(missing_docs)]` (estimate, recovery, data, numeric, seed, io,
# monitor, dotted, resources, columnar, ...) also fail here and in clippy
# when a public item lacks its doc comment.
set -euo pipefail
cd "$(dirname "$0")/.."
RUSTDOCFLAGS="-D warnings" cargo doc --release --no-deps --lib
