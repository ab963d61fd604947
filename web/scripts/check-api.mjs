// CI drift check: regenerate the API types into a temp file and compare with the committed one.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const committed = 'src/api/generated/schema.gen.ts'
const dir = mkdtempSync(join(tmpdir(), 'virtumancer-api-'))
const fresh = join(dir, 'schema.gen.ts')
try {
  execFileSync('npx', ['--no-install', 'openapi-typescript', '../openapi/openapi.json', '-o', fresh], { stdio: 'inherit' })
  if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
    console.error(`\n${committed} is out of date with ../openapi/openapi.json. Run \`npm run gen:api\` and commit the result.`)
    process.exitCode = 1
  } else {
    console.log(`${committed} is up to date.`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
