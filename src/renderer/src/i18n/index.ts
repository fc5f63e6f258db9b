import { createI18n } from 'vue-i18n'
import enUSMessages from '../locales/en-US.json'
import zhCN from '../locales/zh-CN.json'

export type MessageSchema = typeof zhCN
/** en-US must hold every message zh-CN has: a missing key fails the typecheck. */
const enUS: MessageSchema = enUSMessages

export const LOCALES = ['zh-CN', 'en-US'] as const
export type AppLocale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: AppLocale = 'zh-CN'

const LOCALE_KEY = 'hutong.locale'

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

function savedLocale(): AppLocale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY)
    return isAppLocale(saved) ? saved : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
})

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(LOCALE_KEY, locale)
  } catch {
    // Not remembered across restarts; the switch still applies now.
  }
}
