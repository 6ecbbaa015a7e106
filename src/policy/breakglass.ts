// Break-glass: an emergency bypass of AI policy, written as an annotation whose value is a ticket link
// (`<prefix>/break-glass`, and StackRox's `admission.stackrox.io/break-glass` when enabled), on the object
// or its pod template. Honoured only for the users, groups and namespaces the configuration names. Pure.
import type { AdmissionRequest, KubeObject } from '../contracts/admission-review.js';
import { getPath, podMetadataOf, stringMap, type WorkloadKind } from '../contracts/workload.js';
import { matchesAny } from '../contracts/glob.js';
import type { BreakGlassRefusal, BreakGlassResult } from '../contracts/policy.js';

export const STACKROX_BREAK_GLASS = 'admission.stackrox.io/break-glass';

export interface BreakGlassSettings {
  enabled: boolean;
  stackroxKey: boolean;
  allowedUsers: readonly string[];
  allowedGroups: readonly string[];
  /** Namespace globs where break-glass may be used. */
  namespaces: readonly string[];
  /** Regular expression the annotation value (the ticket) must match. */
  valuePattern: string;
}

export function breakGlassKeys(prefix: string, settings: BreakGlassSettings): string[] {
  const keys = [`${prefix}/break-glass`];
  if (settings.stackroxKey) keys.push(STACKROX_BREAK_GLASS);
  return keys;
}

/** Whether the object asks for break-glass, and whether this request may use it. */
export function evaluateBreakGlass(
  request: AdmissionRequest,
  kind: WorkloadKind,
  object: KubeObject,
  prefix: string,
  settings: BreakGlassSettings,
): BreakGlassResult {
  const objectAnnotations = stringMap(getPath(object, ['metadata', 'annotations']));
  const podAnnotations = kind === 'Pod' ? {} : stringMap(podMetadataOf(kind, object)?.annotations);
  let key: string | undefined;
  let ticket: string | undefined;
  for (const k of breakGlassKeys(prefix, settings)) {
    const value = objectAnnotations[k] ?? podAnnotations[k];
    if (value !== undefined) {
      key = k;
      ticket = value.trim();
      break;
    }
  }
  if (key === undefined || ticket === undefined) return { requested: false };
  const refuse = (reason: string, refusal: BreakGlassRefusal): BreakGlassResult => ({ requested: true, honoured: false, key: key!, ticket: ticket!, reason, refusal });
  if (!settings.enabled) return refuse('break-glass is disabled in the webhook configuration', 'disabled');
  if (!matchesAny(settings.namespaces, request.namespace)) return refuse(`break-glass is not allowed in namespace ${request.namespace}`, 'namespace');
  let pattern: RegExp;
  try {
    pattern = new RegExp(settings.valuePattern);
  } catch {
    return refuse('break-glass valuePattern in the configuration is not a valid regular expression', 'config');
  }
  if (!pattern.test(ticket)) return refuse(`break-glass value must be a ticket reference matching ${settings.valuePattern}`, 'value');
  const user = request.userInfo.username;
  const userAllowed = settings.allowedUsers.includes(user) || request.userInfo.groups.some((g) => settings.allowedGroups.includes(g));
  if (!userAllowed) return refuse(`user ${user || '(anonymous)'} is not allowed to use break-glass (breakGlass.allowedUsers / allowedGroups)`, 'user');
  return { requested: true, honoured: true, key, ticket };
}
