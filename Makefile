# Quick start: `make demo` runs the built-in demo, `make test` runs the test suite.
# Both install missing Debian packages first when run as root (tools/install-deps.sh).

.PHONY: demo test deps lint format fixtures run-level-fixtures benchmarks results demo-model

demo: deps
	swift run -c release bench

# The tests run optimised (-O, still with testing enabled): the engine-heavy suites, the demo run among them, take
# seconds instead of minutes. A separate scratch folder keeps `swift build`'s plain debug build intact. They run
# one at a time: OpenBLAS called from several test threads at once may split a product differently, and the
# suites that check two paths give bit-identical numbers would then flake; serial takes no longer (12 s).
test: deps
	swift test -Xswiftc -O --scratch-path .build-test --no-parallel

deps:
	@sh tools/install-deps.sh

lint:
	swift format lint --strict -r Sources Tests Package.swift benchmarks/Package.swift benchmarks/Benchmarks

format:
	swift format format -i -r Sources Tests Package.swift benchmarks/Package.swift benchmarks/Benchmarks

# Regenerates the golden fixtures with the reference Python stack (needs `pip install -r tools/requirements.txt`).
fixtures:
	python3 tools/make_imaging_fixtures.py
	python3 tools/make_mask_resize_fixtures.py
	python3 tools/make_voc_fixtures.py
	python3 tools/make_cub_fixtures.py
	python3 tools/make_imagenet_seg_fixture.py
	python3 tools/make_synthetic_prng_golden.py
	python3 tools/make_checkpoint_fixtures.py
	python3 tools/make_vit_fixtures.py
	python3 tools/make_lrp_fixtures.py
	python3 tools/make_evaluation_fixtures.py
	python3 tools/make_input_gradient_fixtures.py
	python3 tools/make_overlay_fixtures.py
	python3 tools/make_method_fixtures.py
	python3 tools/make_perturbation_fixtures.py

# The run-level fixture runs the official evaluators, so it needs checkouts of wsolevaluation,
# Transformer-Explainability and Attention-Guided-CAM at the protocols' reference commits (see the script):
#   make run-level-fixtures WSOLEVALUATION=DIR TRANSFORMER_EXPLAINABILITY=DIR AGCAM=DIR
run-level-fixtures:
	python3 tools/make_run_level_fixtures.py --wsolevaluation "$(WSOLEVALUATION)" \
		--transformer-explainability "$(TRANSFORMER_EXPLAINABILITY)" --agcam "$(AGCAM)"

# Release-build performance benchmarks (nested package; see benchmarks/README.md).
benchmarks: deps
	cd benchmarks && swift package benchmark

# Regenerates results/: the demo run (every method, protocol otsu) and every other protocol on the demo's
# synthetic set, plus the explain sheet of one image that the README shows. Only the demo draws a gallery (2.4 MB
# of pictures); the other protocols' report.html has none, to keep the repository small. Runs from scratch (a run folder would
# otherwise resume), about 23 minutes on 2 cores.
PROTOCOLS = agc2024 chefer2021 wsoleval wsoleval-v1 coporan2025
results: deps
	swift build -c release --product bench
	rm -rf results/demo results/synthetic-* results/explain-synth_000009
	.build/release/bench --out results/demo --quiet
	for protocol in $(PROTOCOLS); do \
		.build/release/bench --protocol $$protocol --out results/synthetic-$$protocol --gallery none --quiet || exit 1; \
	done
	.build/release/bench explain --image .cache/synthetic/JPEGImages/synth_000009.jpg \
		--out results/explain-synth_000009
	# Only the sheet and the prediction are committed; the per-method maps are a command away.
	find results/explain-synth_000009 -type f ! -name sheet.png ! -name prediction.json -delete

# Retrains the demo model in models/demo (PyTorch + timm on the CPU, about 15 minutes; see the script).
demo-model:
	swift build -c release --product bench
	python3 tools/train_demo_model.py
