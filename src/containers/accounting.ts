import type { WorkflowConfig } from '../config/schema/workflow.ts';
import { DEFAULT_MARGIN_RATES, type Account, type FundsRules } from '../domain/portfolio/account.ts';
import { EQUITY, type Instrument } from '../domain/portfolio/instrument.ts';

/** What a book's accounting reads from the config: the instruments that are not shares, and the account's rules. */
export interface Accounting {
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly funds: FundsRules;
}

/**
 * The accounting of a workflow's books: `data.instrument` (one file) or each source's
 * `instrument`, and the account of `portfolio` with the costs of `execution` (commission
 * and slippage count in buying power). One object, shared by the portfolio (which puts
 * buying power on its orders) and risk (which checks them), so both see the same rules.
 */
export function accountingOf(config: Pick<WorkflowConfig, 'data' | 'portfolio' | 'execution'>): Accounting {
  const instruments = new Map<string, Instrument>();
  const { data, portfolio, execution } = config;
  if (data.symbol !== undefined && data.instrument !== undefined) instruments.set(data.symbol, data.instrument);
  for (const s of data.sources ?? []) if (s.instrument !== undefined) instruments.set(s.symbol, s.instrument);
  const account: Account =
    portfolio.account === 'margin'
      ? { type: 'margin', ...(portfolio.margin ?? DEFAULT_MARGIN_RATES) }
      : { type: 'cash' };
  return {
    instruments,
    funds: {
      account,
      policy: portfolio.insufficientFunds,
      commission: execution.commission,
      slippage: execution.slippage ?? { model: 'fixed', bps: execution.slippageBps },
      instrument: (symbol) => instruments.get(symbol) ?? EQUITY,
    },
  };
}
