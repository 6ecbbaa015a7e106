// Drives the product's lookup (buildImageLookup over a real RegistryClient) against the local
// Debian registry for many distinct digests, sequentially, and prints the CPU per uncached lookup
// and the new TCP connections the registry saw per lookup. Run under `--cpu-prof` to profile it.
//   node --import tsx bench/lookup-cpu.ts [count]
import { Session } from 'node:inspector/promises';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../src/config/schema.js';
import { registryLookupService } from '../test/support/composed-lookup.js';
import { pushImagesWithBom } from '../test/support/bom-images.js';
import { corpusDir } from '../test/support/corpus.js';
import { startLocalRegistry } from '../test/support/local-registry.js';

const count = Number(process.argv[2] ?? 300);
// `relay` counts connections through an in-process TCP relay (whose CPU then counts too); default: direct.
const viaRelay = process.argv[3] === 'relay';
// AIBOM_LOOKUP_GAP_MS: idle time between lookups (the bench's uncached stream runs at 20/s).
const gapMs = Number(process.env.AIBOM_LOOKUP_GAP_MS ?? 0);
const registry = await startLocalRegistry();
// A loopback TCP relay in front of the registry counts the connections the client opens.
let connections = 0;
const relay = net.createServer((client) => {
  connections++;
  const upstream = net.connect(Number(registry.host.split(':')[1]), '127.0.0.1');
  client.pipe(upstream).pipe(client);
  const end = (): void => { client.destroy(); upstream.destroy(); };
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', end);
  upstream.on('close', end);
});
await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
const relayHost = viaRelay ? `127.0.0.1:${(relay.address() as net.AddressInfo).port}` : registry.host;
try {
  const bom = readFileSync(join(corpusDir, 'rhtpa__ibm-granite_granite-docling-258M_aibom.json'));
  const warm = 50;
  const images = await pushImagesWithBom(registry.url, 'cpu/uncached', warm + count, bom, { seed: `${Date.now()}`, concurrency: 8 });
  const config = defaultConfig();
  config.registries.insecure = [relayHost];
  const stack = registryLookupService(config);
  const one = async (i: number): Promise<void> => {
    const f = await stack.lookup(images[i]!.reference(relayHost), { signal: AbortSignal.timeout(10_000) });
    if (f.status !== 'found') throw new Error(`lookup ${i}: ${f.status}`);
  };
  for (let i = 0; i < warm; i++) await one(i);
  // AIBOM_LOOKUP_PROFILE=file: a CPU profile of the measured lookups only (not the pushes).
  const profileOut = process.env.AIBOM_LOOKUP_PROFILE;
  const session = profileOut ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const c0 = connections;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lat: number[] = [];
  for (let i = warm; i < warm + count; i++) {
    const s = performance.now();
    await one(i);
    lat.push(performance.now() - s);
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (session && profileOut) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileOut, JSON.stringify(profile));
    session.disconnect();
  }
  lat.sort((a, b) => a - b);
  console.log(JSON.stringify({
    lookups: count,
    cpuMsPerLookup: +((cpu.user + cpu.system) / 1000 / count).toFixed(3),
    userMsPerLookup: +(cpu.user / 1000 / count).toFixed(3),
    systemMsPerLookup: +(cpu.system / 1000 / count).toFixed(3),
    wallMsPerLookup: +(wall / count).toFixed(3),
    p50Ms: +lat[Math.floor(count / 2)]!.toFixed(3),
    newConnectionsPerLookup: +((connections - c0) / count).toFixed(3),
    connectionsDuringWarmup: c0,
  }));
  await stack.close();
} finally {
  relay.close();
  await registry.stop();
}
