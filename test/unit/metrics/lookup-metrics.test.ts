import { expect } from 'chai';
import { Registry } from 'prom-client';
import { noopLookupMetrics } from '../../../src/discovery/metrics-port.js';
import type { LookupMetrics } from '../../../src/discovery/metrics-port.js';
import { createLookupMetrics, MAX_REGISTRY_HOSTS } from '../../../src/metrics/lookup-metrics.js';

function exercise(m: LookupMetrics): void {
  m.lookupCompleted('mutate', 'new', 'found', 0.02);
  m.cacheHit('findings');
  m.cacheMiss('tag');
  m.cacheEvicted('findings', 'capacity');
  m.cacheSize('findings', 3, 1234);
  m.backgroundStarted('digest');
  m.backgroundFinished('digest', 'none', 0.4);
  m.backgroundDropped('tag', 'abandoned');
  m.backgroundDetached('digest');
  m.backgroundLoad(2, 5);
  m.sourceProbed('referrers', 'found', 0.01);
}

describe('metrics/lookup-metrics', () => {
  it('registers aibom_* metrics on the registry given, histograms not summaries', async () => {
    const registry = new Registry();
    exercise(createLookupMetrics(registry));
    const json = await registry.getMetricsAsJSON();
    const names = json.map((m) => m.name).sort();
    expect(names.every((n) => n.startsWith('aibom_'))).to.equal(true);
    expect(names).to.include.members([
      'aibom_lookup_duration_seconds', 'aibom_lookups_total', 'aibom_lookup_cache_hits_total', 'aibom_lookup_cache_misses_total',
      'aibom_lookup_cache_evictions_total', 'aibom_lookup_background_started_total', 'aibom_lookup_background_finished_total',
      'aibom_lookup_background_dropped_total', 'aibom_lookup_background_detached_total', 'aibom_lookup_background_in_flight',
      'aibom_lookup_background_queued', 'aibom_lookup_source_duration_seconds',
    ]);
    expect(json.map((m) => String(m.type))).to.not.include('summary');
    const text = await registry.metrics();
    expect(text).to.include('aibom_lookups_total{purpose="mutate",served="new",status="found"} 1');
    expect(text).to.include('aibom_lookup_background_queued 5');
    expect(text).to.include('aibom_lookup_source_duration_seconds_count{source="referrers",outcome="found"} 1');
  });

  it('uses no global state: two registries side by side', () => {
    expect(() => {
      createLookupMetrics(new Registry());
      createLookupMetrics(new Registry());
    }).to.not.throw();
  });

  it('registry requests by host and result: hosts past the first MAX_REGISTRY_HOSTS count as "other", unknown results as "invalid"', async () => {
    const registry = new Registry();
    const m = createLookupMetrics(registry);
    for (let i = 0; i < MAX_REGISTRY_HOSTS + 5; i++) m.registryRequest!(`r${i}.example:5000`, '2xx');
    m.registryRequest!('r0.example:5000', 'timeout');
    m.registryRequest!('r1.example:5000', 'no such result');
    const text = await registry.metrics();
    expect(text).to.include('aibom_registry_requests_total{host="r0.example:5000",result="2xx"} 1');
    expect(text).to.include('aibom_registry_requests_total{host="r0.example:5000",result="timeout"} 1');
    expect(text).to.include('aibom_registry_requests_total{host="r1.example:5000",result="invalid"} 1');
    expect(text).to.include(`aibom_registry_requests_total{host="r${MAX_REGISTRY_HOSTS - 1}.example:5000",result="2xx"} 1`);
    expect(text).to.not.include(`host="r${MAX_REGISTRY_HOSTS}.example:5000"`);
    expect(text).to.include('aibom_registry_requests_total{host="other",result="2xx"} 5');
  });

  it('the no-op recorder accepts every call', () => {
    expect(() => exercise(noopLookupMetrics)).to.not.throw();
  });
});
