// SPDX-License-Identifier: BSD-2-Clause
// StatsD backend for the tests: appends every flush to config.flushFile as one JSON line
// ({"gauges": {...}, "counters": {...}}), so a test reads exactly what StatsD would hand to
// Graphite, without a Graphite and without parsing the admin console's JavaScript output.
const fs = require('fs');

exports.init = function (startupTime, config, events) {
  events.on('flush', function (timestamp, metrics) {
    const flushed = { timestamp: timestamp, gauges: metrics.gauges, counters: metrics.counters };
    fs.appendFileSync(config.flushFile, JSON.stringify(flushed) + '\n');
  });
  return true;
};
