import { blockopsDashboard, row, stat, timeseries } from './common';

const BREAKER_STATES: Record<string, [string, string]> = { '0': ['CLOSED', 'green'], '1': ['OPEN', 'red'], '2': ['HALF-OPEN', 'orange'] };

/** Treasury executor: breaker, queue, throughput, errors by reason, latency (issues 10, 11; seed 003). */
export function treasuryDashboard() {
  return blockopsDashboard(
    'blockops-treasury',
    'blockops / Treasury executor',
    'Disbursement executor and the circuit breaker in front of the chain. Alerts: TreasuryCircuitBreakerOpen, TreasuryCircuitBreakerFlapping, TreasuryExecutionErrorsHigh, TreasuryQueueNotDraining.',
  )
    .withRow(row('Circuit breaker'))
    .withPanel(
      stat('Breaker state', [['max by (breaker) (treasury_circuit_breaker_state)', '{{breaker}}']], {
        width: 6,
        text: BREAKER_STATES,
        thresholds: [
          [null, 'green'],
          [1, 'red'],
          [2, 'orange'],
        ],
      }),
    )
    .withPanel(
      timeseries('Breaker state over time', [['max by (breaker) (treasury_circuit_breaker_state)', '{{breaker}}']], {
        width: 6,
        description: '0 closed, 1 open, 2 half-open',
      }),
    )
    .withPanel(
      timeseries(
        'Consecutive failures / half-open successes',
        [
          ['max by (breaker) (treasury_circuit_breaker_failures)', 'failures {{breaker}}'],
          ['max by (breaker) (treasury_circuit_breaker_successes)', 'successes {{breaker}}'],
        ],
        { width: 6 },
      ),
    )
    .withPanel(timeseries('State changes (15 min)', [['treasury:circuit_breaker_transitions:increase15m', '{{breaker}}']], { width: 6 }))
    .withPanel(
      stat('Forced by an operator', [['max by (breaker) (treasury_circuit_breaker_forced)', '{{breaker}}']], {
        width: 6,
        text: { '0': ['no', 'green'], '1': ['FORCED', 'orange'] },
      }),
    )
    .withPanel(
      timeseries(
        'Guarded chain calls by outcome',
        [['sum by (breaker, outcome) (rate(treasury_circuit_breaker_calls_total[5m]))', '{{breaker}} {{outcome}}']],
        {
          unit: 'reqps',
          width: 18,
          description: 'rejected = refused while open; ignored = cancelled/storage-class errors, which never trip the breaker',
        },
      ),
    )
    .withRow(row('Executor'))
    .withPanel(stat('Queued disbursements', [['treasury:queue_depth:max', 'queued']], { width: 6 }))
    .withPanel(stat('Executors busy', [['max(treasury_executors_busy)', 'busy']], { width: 6 }))
    .withPanel(stat('Highest executor nonce', [['max(treasury_executor_nonce)', 'nonce']], { width: 6 }))
    .withPanel(
      stat('Executed (5 min rate)', [['sum(treasury:disbursements:rate5m{status="EXECUTED"})', 'executed/s']], { unit: 'reqps', width: 6 }),
    )
    .withPanel(timeseries('Disbursements by outcome', [['treasury:disbursements:rate5m', '{{status}}']], { unit: 'reqps', width: 9 }))
    .withPanel(timeseries('Queue depth', [['treasury:queue_depth:max', 'queued']], { width: 9, min: 0 }))
    .withPanel(timeseries('Execution errors by reason', [['treasury:execution_errors:rate5m', '{{reason}}']], { unit: 'reqps', width: 12 }))
    .withPanel(
      timeseries(
        'Execution latency',
        [
          ['treasury:execution_latency_seconds:p50_5m', 'p50'],
          ['treasury:execution_latency_seconds:p99_5m', 'p99'],
        ],
        { unit: 's', width: 12 },
      ),
    );
}
