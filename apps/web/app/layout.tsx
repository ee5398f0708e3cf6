import type { Metadata } from 'next';
import Link from 'next/link';
import { KeyBox } from '@/components/key-box';
import { EmergencyBanner } from '@/components/emergency-banner';
import { BreakersPanel } from '@/components/breakers-panel';
import './globals.css';

export const metadata: Metadata = {
  title: 'blockops console',
  description: 'Operations console for The Block',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            blockops
          </Link>
          <nav>
            <Link href="/">Runs</Link>
            <Link href="/operations">Operations</Link>
            <Link href="/treasury">Treasury</Link>
            <Link href="/pnl">P&amp;L</Link>
            <Link href="/receipts">Receipts</Link>
            <Link href="/network">Network</Link>
            <Link href="/emergency">Emergency</Link>
            <Link href="/alerts">Alerts</Link>
            <Link href="/audit">Audit</Link>
          </nav>
          <KeyBox />
        </header>
        <EmergencyBanner />
        <BreakersPanel />
        <main>{children}</main>
      </body>
    </html>
  );
}
