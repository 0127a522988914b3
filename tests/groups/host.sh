# Host-side tests: unit tests under sanitizers, the config tool on every
# upstream config, and a short run of each fuzz target.
if make -s host-tests host-tools >"$LOGDIR/host-build.log" 2>&1; then
  pass host/build
  unit_binary unit build/host/unit-tests
else
  fail host/build "see $LOGDIR/host-build.log"
fi
