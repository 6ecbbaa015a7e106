// Pod-spec heuristics for images without a BOM: one strong or two different weak signals.
import { expect } from 'chai';
import { detectAiHeuristically, type HeuristicInput } from '../../../src/classify/heuristics.js';

const on = { enabled: true, extraImagePatterns: [] as string[] };
const pod = (spec: Record<string, unknown>, podAnnotations: Record<string, string> = {}): HeuristicInput => ({ podSpec: spec, podAnnotations, objectAnnotations: {} });

describe('classify/heuristics', () => {
  it('a vLLM Deployment with --model is AI', () => {
    const r = detectAiHeuristically(pod({ containers: [{ name: 'server', image: 'vllm/vllm-openai:v0.6.0', args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--port', '8000'] }] }), on);
    expect(r.aiBearing).to.equal(true);
    expect(r.reasons).to.include('vLLM serving image vllm/vllm-openai:v0.6.0');
    expect(r.reasons).to.include('argument --model in container server');
  });

  it('a Triton pod with a GPU is AI', () => {
    const r = detectAiHeuristically(pod({ containers: [{ name: 'triton', image: 'nvcr.io/nvidia/tritonserver:24.05-py3', resources: { limits: { 'nvidia.com/gpu': '1' } } }] }), on);
    expect(r.aiBearing).to.equal(true);
    expect(r.reasons[0]).to.match(/Triton/);
  });

  it('an ffmpeg Job with only a GPU is not AI', () => {
    const r = detectAiHeuristically(pod({ restartPolicy: 'Never', containers: [{ name: 'encode', image: 'jrottenberg/ffmpeg:6-nvidia', args: ['-hwaccel', 'cuda', '-i', 'in.mp4', 'out.mp4'], resources: { limits: { 'nvidia.com/gpu': 1 } } }] }), on);
    expect(r.aiBearing).to.equal(false);
    expect(r.reasons).to.deep.equal(['accelerator request nvidia.com/gpu in container encode']);
  });

  it('nginx with only MODEL_NAME is not AI, even with another model variable', () => {
    const r = detectAiHeuristically(pod({ containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'MODEL_NAME', value: 'x' }, { name: 'MODEL_ID', value: 'y' }] }] }), on);
    expect(r.aiBearing).to.equal(false);
  });

  it('two different weak signals are enough', () => {
    const r = detectAiHeuristically(pod({ containers: [{ name: 'app', image: 'registry.example/app:1', env: [{ name: 'HF_MODEL_ID', value: 'x' }], volumeMounts: [{ name: 'cache', mountPath: '/root/.cache/huggingface' }] }] }), on);
    expect(r.aiBearing).to.equal(true);
    expect(r.signals?.every((s) => s.strength === 'weak')).to.equal(true);
  });

  it('KServe annotations, image volumes with models, and shell-wrapped --model-id are strong', () => {
    expect(detectAiHeuristically(pod({ containers: [{ name: 'kserve-container', image: 'registry.example/custom:1' }] }, { 'internal.serving.kserve.io/storage-initializer-sourceuri': 'hf://meta/llama' }), on).aiBearing).to.equal(true);
    expect(detectAiHeuristically(pod({ volumes: [{ name: 'weights', image: { reference: 'registry.example/models/llama3:8b' } }], containers: [{ name: 'app', image: 'registry.example/app:1', volumeMounts: [{ name: 'weights', mountPath: '/weights' }] }] }), on).aiBearing).to.equal(true);
    expect(detectAiHeuristically(pod({ containers: [{ name: 'tgi', image: 'registry.example/x:1', command: ['sh', '-c', 'text-generation-launcher --model-id=bigscience/bloom'] }] }), on).aiBearing).to.equal(true);
  });

  it('is configurable: off, and extra image patterns', () => {
    const spec = { containers: [{ name: 'a', image: 'registry.example/team/inference-engine:2' }] };
    expect(detectAiHeuristically(pod(spec), on).aiBearing).to.equal(false);
    expect(detectAiHeuristically(pod(spec), { enabled: true, extraImagePatterns: ['registry.example/team/inference-*'] }).aiBearing).to.equal(true);
    expect(detectAiHeuristically(pod({ containers: [{ image: 'vllm/vllm-openai' }] }), { enabled: false, extraImagePatterns: [] })).to.deep.include({ aiBearing: false, reasons: [] });
  });

  it('never throws on junk pod specs and keeps reasons short and few', () => {
    const junk: unknown[] = [undefined, { containers: 'x' }, { containers: [null, 1, { image: 5, args: [1, null], env: 'x', resources: [] }] }, { volumes: [{ image: 1 }] }];
    for (const j of junk) detectAiHeuristically({ podSpec: j as Record<string, unknown>, podAnnotations: {}, objectAnnotations: {} }, on);
    const many = { containers: Array.from({ length: 50 }, (_, i) => ({ name: `c${i}`, image: `vllm/vllm-openai:${i}`, args: ['--model', 'x'] })) };
    const r = detectAiHeuristically(pod(many), on);
    expect(r.reasons.length).to.be.at.most(10);
    expect(r.reasons.every((s) => s.length <= 121)).to.equal(true);
  });
});
