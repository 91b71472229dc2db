// Not part of the suite: runs once more, on their own, the tests whose verdict was "retry" (the origin saw one request
// twice: an exchange the client sent again, as HttpClient does for an idempotent request that met a connection
// closing under it, for example when the origin closes an idle keep-alive connection while the machine is loaded),
// and writes their new results into the result file. A cache that sends the request twice every time keeps its
// "retry" verdict. Prints one JSON object: the ids run again and their new results.
import fs from 'fs'
import { runTests, getResults } from './test-engine/client/runner.mjs'
import tests from './tests/index.mjs'

const file = process.argv[2]
const base = process.argv[3]
const results = JSON.parse(fs.readFileSync(file, 'utf8'))
const retried = Object.keys(results).filter(id => Array.isArray(results[id]) && results[id][1] === 'retry')
const suites = []
for (const suite of tests) {
  const selected = suite.tests.filter(test => retried.includes(test.id))
  if (selected.length > 0) {
    suites.push({ name: suite.name, id: suite.id, description: suite.description, tests: selected })
  }
}
if (suites.length > 0) {
  await runTests(suites, false, base, 1)
  const again = getResults()
  for (const id of retried) {
    if (id in again) results[id] = again[id]
  }
  fs.writeFileSync(file, JSON.stringify(results, null, 2))
}
console.log(JSON.stringify({ rerun: retried, results: Object.fromEntries(retried.map(id => [id, results[id]])) }))
