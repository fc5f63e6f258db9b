/** The built-in wallet; its parts live in ./simulator/. */
export { createSimulatorProvider } from './simulator/provider'
export {
  PASSWORD_DELAY_MS,
  SIMULATED_WALLETS,
  SIMULATOR_CODE_SUFFIXES,
  SIMULATOR_OUTCOMES,
  type ConfirmResult,
  type SimulatorOptions,
  type SimulatorOutcome,
  type SimulatorPageView,
  type SimulatorProvider,
} from './simulator/types'
