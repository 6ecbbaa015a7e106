import { expect } from 'chai';
import { parseAdmissionReview, peekRequestUid, ReviewParseError } from '../../../src/admission/review.js';
import { loadReviewJson, REVIEW_FIXTURES } from '../../support/fixtures.js';

type Mutator = (review: Record<string, unknown>, request: Record<string, unknown>) => void;

describe('admission/review', () => {
  for (const name of REVIEW_FIXTURES) {
    it(`parses fixture ${name}`, () => {
      const json = loadReviewJson(name);
      const review = parseAdmissionReview(json);
      const raw = json.request as Record<string, unknown>;
      expect(review.request.uid).to.equal(raw.uid);
      expect(review.request.operation).to.equal(raw.operation);
      expect(review.request.name).to.equal(raw.name);
      expect(review.request.kind).to.deep.equal(raw.kind);
      expect(review.request.requestKind).to.deep.equal(raw.requestKind);
      expect(review.request.options).to.deep.equal(raw.options);
      expect(review.request.userInfo.username).to.equal((raw.userInfo as { username: string }).username);
    });
  }

  it('keeps userInfo.extra, subresources and generateName-style empty names', () => {
    const rs = parseAdmissionReview(loadReviewJson('pod-create-owned-by-replicaset')).request;
    expect(rs.name).to.equal('');
    expect(rs.userInfo.username).to.equal('system:serviceaccount:kube-system:replicaset-controller');
    expect(rs.userInfo.extra?.['authentication.kubernetes.io/credential-id']?.[0]).to.match(/^JTI=/);
    const eph = parseAdmissionReview(loadReviewJson('pod-ephemeralcontainers-update')).request;
    expect(eph.subResource).to.equal('ephemeralcontainers');
    expect(eph.requestSubResource).to.equal('ephemeralcontainers');
    const del = parseAdmissionReview(loadReviewJson('pod-delete')).request;
    expect(del.object).to.equal(undefined);
    expect(del.oldObject).to.be.an('object');
  });

  const errors: [string, Mutator, RegExp][] = [
    ['wrong apiVersion (v1beta1)', (r) => { r.apiVersion = 'admission.k8s.io/v1beta1'; }, /apiVersion must be "admission\.k8s\.io\/v1", got "admission\.k8s\.io\/v1beta1".*only v1/],
    ['missing apiVersion', (r) => { delete r.apiVersion; }, /apiVersion .*got nothing/],
    ['wrong kind', (r) => { r.kind = 'ConfigMap'; }, /^kind must be "AdmissionReview"/],
    ['no request', (r) => { delete r.request; }, /^request must be an object/],
    ['request is an array', (r) => { r.request = []; }, /^request must be an object/],
    ['no uid', (_r, q) => { delete q.uid; }, /^request\.uid /],
    ['uid not a string', (_r, q) => { q.uid = 42; }, /^request\.uid /],
    ['unknown operation', (_r, q) => { q.operation = 'PATCH'; }, /^request\.operation must be one of CREATE, UPDATE, DELETE, CONNECT, got "PATCH"/],
    ['no kind', (_r, q) => { delete q.kind; }, /^request\.kind must be an object/],
    ['kind.kind empty', (_r, q) => { q.kind = { group: '', version: 'v1', kind: '' }; }, /^request\.kind\.kind /],
    ['kind.group not a string', (_r, q) => { q.kind = { group: 1, version: 'v1', kind: 'Pod' }; }, /^request\.kind\.group must be a string/],
    ['no resource', (_r, q) => { delete q.resource; }, /^request\.resource must be an object/],
    ['resource.resource missing', (_r, q) => { q.resource = { group: '', version: 'v1' }; }, /^request\.resource\.resource /],
    ['requestKind malformed', (_r, q) => { q.requestKind = 'Pod'; }, /^request\.requestKind must be an object/],
    ['name not a string', (_r, q) => { q.name = ['x']; }, /^request\.name must be a string/],
    ['namespace not a string', (_r, q) => { q.namespace = 7; }, /^request\.namespace must be a string/],
    ['subResource not a string', (_r, q) => { q.subResource = {}; }, /^request\.subResource must be a string/],
    ['userInfo not an object', (_r, q) => { q.userInfo = 'admin'; }, /^request\.userInfo must be an object/],
    ['userInfo.groups not strings', (_r, q) => { q.userInfo = { username: 'a', groups: [1] }; }, /^request\.userInfo\.groups must be an array of strings/],
    ['object not an object', (_r, q) => { q.object = 'pod'; }, /^request\.object must be an object/],
    ['oldObject not an object', (_r, q) => { q.oldObject = [1]; }, /^request\.oldObject must be an object/],
    ['CREATE without object', (_r, q) => { q.object = null; }, /^request\.object is required for CREATE/],
  ];
  for (const [label, mutate, message] of errors) {
    it(`rejects ${label}, naming the field`, () => {
      const json = loadReviewJson('pod-create');
      mutate(json, json.request as Record<string, unknown>);
      expect(() => parseAdmissionReview(json)).to.throw(ReviewParseError, message);
    });
  }

  for (const value of [null, 'text', 42, [], true]) {
    it(`rejects a top-level ${JSON.stringify(value)}`, () => {
      expect(() => parseAdmissionReview(value)).to.throw(ReviewParseError, /AdmissionReview must be a JSON object/);
    });
  }

  it('error messages stay short even for huge values', () => {
    const json = loadReviewJson('pod-create');
    json.apiVersion = 'x'.repeat(100_000);
    try {
      parseAdmissionReview(json);
      expect.fail('should throw');
    } catch (err) {
      expect((err as Error).message.length).to.be.below(200);
    }
  });

  it('peekRequestUid finds the uid of a review that fails to parse', () => {
    const json = loadReviewJson('pod-create');
    json.apiVersion = 'admission.k8s.io/v1beta1';
    expect(peekRequestUid(json)).to.equal((json.request as { uid: string }).uid);
    expect(peekRequestUid('nope')).to.equal(undefined);
  });
});
