import { blockopsDashboard, row, stat, timeseries } from './common';

const EMERGENCY_STATES: Record<string, [string, string]> = {
  '0': ['NORMAL', 'green'],
  '1': ['ALERT', 'yellow'],
  '2': ['HALT', 'red'],
  '3': ['SHUTDOWN', 'dark-red'],
};

/** Operations (submit-and-confirm), the emergency state and risk limits (seeds 000, 004). */
export function operationsDashboard() {
  return blockopsDashboard(
    'blockops-operations',
    'blockops / Operations',
    'Operations submitted through open gates and confirmed by receipts; the emergency state and risk limits. Alerts: OperationsPendingTooLong, EmergencyStateAlert, EmergencyHalted, RiskLimitUtilizationHigh, RiskLimitBreached.',
  )
    .withRow(row('Operations'))
    .withPanel(stat('Pending', [['blockops:operations_pending:max', 'pending']], { width: 6 }))
    .withPanel(
      stat('Oldest pending', [['blockops:operations_oldest_pending_seconds:max', 'age']], {
        unit: 's',
        width: 6,
        thresholds: [
          [null, 'green'],
          [120, 'orange'],
          [900, 'red'],
        ],
      }),
    )
    .withPanel(
      timeseries('Operation runs by outcome', [['blockops:workflow_executions:rate5m{workflow_type="operation"}', '{{status}}']], {
        unit: 'reqps',
        width: 12,
      }),
    )
    .withPanel(
      timeseries('Submissions through the API', [['blockops:control_actions:rate5m{action=~"operation.*"}', '{{action}} {{outcome}}']], {
        unit: 'reqps',
        width: 12,
      }),
    )
    .withPanel(
      timeseries(
        'Operation steps (p95)',
        [
          [
            'blockops:activity_duration_seconds:p95_5m{activity=~"checkGate|reserveFunds|submitOperation|readOperationStatus|settleOperation"}',
            '{{activity}}',
          ],
        ],
        { unit: 's', width: 12 },
      ),
    )
    .withPanel(
      timeseries('Failed activity attempts', [['blockops:activity_executions:rate5m{status="failed"}', '{{activity}}']], {
        unit: 'reqps',
        width: 12,
      }),
    )
    .withRow(row('Emergency and risk'))
    .withPanel(
      stat('Emergency state', [['max(emergency_state)', 'state']], {
        width: 6,
        text: EMERGENCY_STATES,
        thresholds: [
          [null, 'green'],
          [1, 'yellow'],
          [2, 'red'],
        ],
      }),
    )
    .withPanel(
      timeseries('Risk-limit utilisation', [['max by (limit) (risk_limit_utilization)', '{{limit}}']], {
        unit: 'percentunit',
        width: 18,
        min: 0,
        description: '1 = at the limit; the controller halts on a breach',
      }),
    );
}
