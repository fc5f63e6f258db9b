import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'

/** Copies text and says so; works where the async clipboard API is missing (a till on plain http). */
export function useClipboard(): (text: string, what: string) => Promise<void> {
  const { t } = useI18n()
  return async (text: string, what: string) => {
    const ok = await writeText(text)
    ElMessage({
      type: ok ? 'success' : 'error',
      message: ok ? t('common.copied', { what }) : t('common.copyFailed'),
      grouping: true,
    })
  }
}

async function writeText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // Permission refused: fall back to the selection below.
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  try {
    return document.execCommand('copy')
  } catch {
    return false
  } finally {
    area.remove()
  }
}
