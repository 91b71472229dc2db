// Not part of the suite: counts a cache-tests result file (the JSON that test-engine/cli.mjs prints) by the suite's
// own verdicts (test-engine/lib/results.mjs, dependencies honoured) and prints one JSON object.
// Tests that do not apply to a cache inside an HTTP client library are counted apart, under "not_applicable":
// - cdn_only tests (CDN-Cache-Control, RFC 9213): directives addressed to CDNs, which other caches must not obey;
// - the interim-response suite: the client API hands the application only final responses (the suite skips it for
//   browsers, whose Fetch API does not expose interim responses either).
import fs from 'fs'
import tests from './tests/index.mjs'
import { determineTestResult, resultTypes } from './test-engine/lib/results.mjs'

const results = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const names = new Map(Object.entries(resultTypes).map(([name, type]) => [type, name]))

function tally () {
  return { total: 0, passed: 0, verdicts: {}, ids: {} }
}
const applicable = tally()
const notApplicable = tally()
for (const suite of tests) {
  for (const test of suite.tests) {
    if (!(test.id in results)) continue
    const into = (test.cdn_only === true || suite.id === 'interim') ? notApplicable : applicable
    const verdict = names.get(determineTestResult(tests, test.id, results))
    into.total++
    if (verdict === 'pass') into.passed++
    into.verdicts[verdict] = (into.verdicts[verdict] || 0) + 1
    ;(into.ids[verdict] = into.ids[verdict] || []).push(test.id)
  }
}
console.log(JSON.stringify({
  total: applicable.total,
  passed: applicable.passed,
  verdicts: applicable.verdicts,
  required_failures: applicable.ids.fail || [],
  optional_failures: applicable.ids.optional_fail || [],
  checks_no: applicable.ids.no || [],
  setup_failures: applicable.ids.setup_fail || [],
  harness_failures: applicable.ids.harness_fail || [],
  dependency_failures: applicable.ids.dependency_fail || [],
  retries: applicable.ids.retry || [],
  not_applicable: { total: notApplicable.total, passed: notApplicable.passed, verdicts: notApplicable.verdicts, ids: notApplicable.ids }
}))
