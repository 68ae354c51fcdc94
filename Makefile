# kdns — build, distribution, run and test.
#
#   make build      compile and package every module (no tests)
#   make dist       assemble dist/kdns from plugin.cfg (or PLUGIN_CFG=path)
#   make run        build the distribution, start a local etcd with an ExternalDNS record and serve
#                   examples/Corefile on 127.0.0.1:1053
#   make test       unit, plugin, fuzz-regression and end-to-end tests (installs dig/kdig when missing and root);
#                   deterministic: the fuzz targets replay their stored inputs only, nothing random
#   make soak       ten minutes of fixed-rate queries against changing etcd data (SOAK_SECONDS, SOAK_RATE)
#   make fuzz       exploration: fuzzes the wire path, the Corefile parser, the SkyDNS decoder and the
#                   Kubernetes object conversion (FUZZ_ROUNDS x 15 s per target); findings are written
#                   as regression inputs under each target's *FuzzTestInputs/ folder
#   make bench      JMH benchmarks of the query path and a dnsperf run beside knotd
#                   (SCALE=large: only the 100,000-Service Kubernetes scenario, benchmarks/scale-large.sh)
#   make install-api  install module-api into the local Maven repository (for third-party plugins)
#   make deploy-manifest  render charts/kdns with its default values into deploy/kdns.yaml (a test
#                   fails when the committed file differs from the rendering)

SHELL := /bin/sh
JDK := $(shell build/find-jdk.sh)
ifeq ($(JDK),)
$(error no JDK >= 21 found: see the message above)
endif
export JAVA_HOME := $(JDK)
MVN ?= mvn
MVN_FLAGS ?= -B -q -Dstyle.color=never
MVN_TEST_FLAGS ?= -B -ntp -Dstyle.color=never
PLUGIN_CFG ?= $(CURDIR)/plugin.cfg
DIST ?= $(CURDIR)/dist/kdns
TEST_TOOLS := dig:dnsutils kdig:knot-dnsutils openssl:openssl
# The chart and monitoring tests (charts-test): promtool checks the alerting rules, kubectl reads the
# rendered manifests. Without root they are skipped with the reason instead of failing the run.
UNIT_TEST_TOOLS := promtool:prometheus kubectl:kubernetes-client

.PHONY: build dist run test unit-test e2e-test deploy-manifest fuzz-round fuzz bench chaos soak clean check-maven install-api
SOAK_SECONDS ?= 600
SOAK_RATE ?= 5000
FUZZ_TARGETS := host:WireFuzzTest host:CorefileFuzzTest plugin-etcd:SkyDnsFuzzTest plugin-kubernetes:KubeObjectFuzzTest
FUZZ_ROUNDS ?= 20

check-maven:
	@command -v $(MVN) >/dev/null 2>&1 || { echo "Maven is needed (apt-get install maven)"; exit 1; }

build: check-maven
	$(MVN) $(MVN_FLAGS) install -DskipTests

install-api: check-maven
	$(MVN) $(MVN_FLAGS) -pl module-api -am install -DskipTests

dist: build
	build/assemble-dist.sh "$(JDK)" "$(PLUGIN_CFG)" "$(DIST)"

run: dist
	-build/install-test-deps.sh etcd:etcd-server curl:curl
	build/run-example.sh "$(DIST)"

unit-test: check-maven
	build/install-test-deps.sh $(UNIT_TEST_TOOLS) || [ "$$(id -u)" -ne 0 ]
	rm -rf */target/surefire-reports
	$(MVN) $(MVN_TEST_FLAGS) install

e2e-test:
	build/install-test-deps.sh $(TEST_TOOLS)
	$(MVN) $(MVN_FLAGS) -f examples/plugin-hello/pom.xml install
	build/assemble-dist.sh "$(JDK)" "$(PLUGIN_CFG)" "$(DIST)"
	$(MVN) $(MVN_TEST_FLAGS) -Pe2e -pl e2e verify -Dkdns.dist="$(DIST)"

deploy-manifest: check-maven
	$(MVN) $(MVN_FLAGS) -pl charts-test test -Dtest=DeployManifestTest -Dsurefire.failIfNoSpecifiedTests=false \
	    -Dkdns.deploy.write=true

# One exploration round: 15 s of coverage-guided fuzzing per target (module:class), a new random
# seed each time. Never part of make test: the gate replays the stored inputs instead (unit-test runs
# each @FuzzTest over its *FuzzTestInputs/ folder), so the same commit passes or fails the same way.
fuzz-round:
	for t in $(FUZZ_TARGETS); do JAZZER_FUZZ=1 $(MVN) $(MVN_TEST_FLAGS) -o -pl $${t%%:*} surefire:test -Dtest=$${t##*:} \
	    -Dsurefire.failIfNoSpecifiedTests=false || exit 1; done

# The long run: FUZZ_ROUNDS rounds of 15 s per target; the corpus grows across rounds. A finding
# stops the run and is left as a file in the target's *FuzzTestInputs/ folder: fix the bug, keep
# the file (give it a name that says what it holds) and it replays in every make test.
fuzz: build
	for i in $$(seq 1 $(FUZZ_ROUNDS)); do $(MAKE) --no-print-directory fuzz-round || exit 1; done

test: unit-test e2e-test
	@echo; build/test-summary.sh

# Ten bounded minutes of fixed-rate queries against etcd data that changes every second.
chaos: dist
	build/install-test-deps.sh $(TEST_TOOLS) etcd:etcd-server
	$(MVN) $(MVN_TEST_FLAGS) -pl plugin-etcd -am test -Dtest=EtcdStoreClusterTest -Dsurefire.failIfNoSpecifiedTests=false -Dkdns.timing.strict=true
	$(MVN) $(MVN_TEST_FLAGS) -Pe2e -pl e2e verify -Dkdns.dist="$(DIST)" -Dtest='EtcdClusterChaosTest' -Dsurefire.failIfNoSpecifiedTests=false -Dkdns.timing.strict=true -Dkdns.e2e.excludedGroups=none
	$(MVN) $(MVN_TEST_FLAGS) -Pe2e -pl e2e verify -Dkdns.dist="$(DIST)" -Dgroups=chaos -Dkdns.e2e.excludedGroups=none -Dkdns.timing.strict=true

soak: dist
	build/install-test-deps.sh dnsperf:dnsperf etcd:etcd-server curl:curl
	benchmarks/soak.sh "$(DIST)" $(SOAK_SECONDS) $(SOAK_RATE)

bench: dist
	$(MAKE) -C benchmarks JDK="$(JDK)" DIST="$(DIST)"

clean:
	$(MVN) $(MVN_FLAGS) clean
	rm -rf dist release target
