import type { OperationOutput } from '../../../shared/api/operations'
import type { z } from 'zod'
import {
  DEFAULT_FRIEND_PAY_SETTINGS,
  FriendPaySettings,
  RoutingSettings as RoutingSettingsSchema,
} from '../../../shared/api/schemas'
import type { FormError, FormResult } from './formErrors'
import { fromFriendPaySettingsDraft, toFriendPaySettingsDraft, type FriendPaySettingsDraft } from './friendPay'
import { checkWithSchema } from './schemaIssues'
import { fromRuleDrafts, toRuleDrafts, type PaymentCodeRuleDraft } from './walletForm'

export type RoutingSettings = OperationOutput<'routing.get'>

/** The store-wide routing form: the payment-code rules and the friend-pay limit are edited as text. */
export interface RoutingDraft {
  ranking: RoutingSettings['ranking']
  rules: PaymentCodeRuleDraft[]
  timeout: number
  health: RoutingSettings['accountHealth']
  friendPay: FriendPaySettingsDraft
}

function bounds(number: z.ZodNumber): { min: number; max: number } {
  return { min: number.minValue ?? 0, max: number.maxValue ?? Number.MAX_SAFE_INTEGER }
}

const health = RoutingSettingsSchema.shape.accountHealth.shape

/** The bounds of the form's number boxes, as the contract sets them. */
export const ROUTING_LIMITS = {
  timeout: bounds(RoutingSettingsSchema.shape.paymentCodeTimeoutSeconds),
  health: {
    windowMinutes: bounds(health.windowMinutes),
    minAttempts: bounds(health.minAttempts),
    minSuccessPercent: bounds(health.minSuccessPercent),
    cooldownMinutes: bounds(health.cooldownMinutes),
  },
  ttlHours: bounds(FriendPaySettings.shape.ttlHours),
}

export function toRoutingDraft(routing: RoutingSettings): RoutingDraft {
  return {
    ranking: [...routing.ranking],
    rules: toRuleDrafts(routing.paymentCodeRules),
    timeout: routing.paymentCodeTimeoutSeconds,
    health: { ...routing.accountHealth },
    friendPay: toFriendPaySettingsDraft(routing.friendPay),
  }
}

/** The `routing.update` input for a draft, or the problems that stop it being saved. */
export function fromRoutingDraft(draft: RoutingDraft): FormResult<RoutingSettings> {
  const rules = fromRuleDrafts(draft.rules)
  const friendPay = fromFriendPaySettingsDraft(draft.friendPay)
  const errors: FormError[] = [...(rules.ok ? [] : rules.errors), ...(friendPay.ok ? [] : friendPay.errors)]
  const value: RoutingSettings = {
    ranking: [...draft.ranking],
    paymentCodeRules: rules.ok ? rules.value : [],
    paymentCodeTimeoutSeconds: draft.timeout,
    accountHealth: { ...draft.health },
    friendPay: friendPay.ok ? friendPay.value : DEFAULT_FRIEND_PAY_SETTINGS,
  }
  // The parts report on the form's own fields; the whole is checked for the rest (ranking, limits).
  return checkWithSchema(RoutingSettingsSchema, value, {}, errors)
}
