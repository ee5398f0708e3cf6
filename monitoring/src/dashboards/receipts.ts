import { blockopsDashboard, row, stat, timeseries } from './common';

/** Receipts and P&L: the poller's progress and the accounting it feeds (seed 000). */
export function receiptsDashboard() {
  return blockopsDashboard(
    'blockops-receipts-pnl',
    'blockops / Receipts & P&L',
    'Receipt poller throughput and lag, accounting P&L by market. Alerts: ReceiptPollerStalled, ReceiptPollerErrors, ReceiptPollerLagging.',
  )
    .withRow(row('P&L'))
    .withPanel(stat('Total P&L', [['max(accounting_pnl_current{market="total"})', 'P&L']], { width: 6 }))
    .withPanel(stat('Balance', [['max(accounting_balance)', 'balance']], { width: 6 }))
    .withPanel(timeseries('P&L by market', [['max by (market) (accounting_pnl_current{market!="total"})', '{{market}}']], { width: 12 }))
    .withPanel(timeseries('Position at cost by market', [['max by (market) (accounting_position_value)', '{{market}}']], { width: 12 }))
    .withPanel(
      timeseries('Our receipts applied', [['blockops:accounting_receipts:rate5m', '{{market}} {{direction}}']], {
        unit: 'reqps',
        width: 12,
      }),
    )
    .withRow(row('Receipt poller'))
    .withPanel(
      stat('Lag (blocks)', [['blockops:receipt_poller_lag:blocks', 'lag']], {
        width: 6,
        thresholds: [
          [null, 'green'],
          [100, 'red'],
        ],
      }),
    )
    .withPanel(
      timeseries(
        'Chain head vs accounting checkpoint',
        [
          ['max(receipt_poller_head_height)', 'head'],
          ['max(receipt_poller_checkpoint_height)', 'checkpoint'],
        ],
        { width: 9 },
      ),
    )
    .withPanel(
      timeseries(
        'Batches and receipts',
        [
          ['blockops:receipt_poller_cycles:rate5m', 'batches/s'],
          ['blockops:receipts_processed:rate5m', 'receipts/s'],
        ],
        { unit: 'reqps', width: 9 },
      ),
    )
    .withPanel(timeseries('Chain receipts by market', [['blockops:chain_receipts:rate5m', '{{market}}']], { unit: 'reqps', width: 8 }))
    .withPanel(
      timeseries('Batch failures by reason', [['blockops:receipt_poller_errors:rate5m', '{{reason}}']], { unit: 'reqps', width: 8 }),
    )
    .withPanel(
      timeseries('Batch duration (p95)', [['blockops:activity_duration_seconds:p95_5m{activity="pollReceipts"}', 'pollReceipts']], {
        unit: 's',
        width: 8,
      }),
    );
}
