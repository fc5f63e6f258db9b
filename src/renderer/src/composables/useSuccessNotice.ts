import { ElMessage } from 'element-plus'

/** The header's height: a notice below it leaves the navigation reachable while it shows. */
const BELOW_HEADER_PX = 64

/** A short "done" notice for an action whose result is not obvious on screen (a file saved, cash moved). */
export function useSuccessNotice(): (message: string) => void {
  return (message) => ElMessage({ type: 'success', message, grouping: true, offset: BELOW_HEADER_PX })
}
