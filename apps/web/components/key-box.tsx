'use client';

import { useEffect, useState } from 'react';
import { getApiKey, setApiKey } from '@/lib/client/api';

/** The operator's or viewer's API key, kept in this browser only (not needed when auth is off). */
export function KeyBox() {
  const [key, setKey] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => setKey(getApiKey() ?? ''), []);
  return (
    <form
      className="keybox"
      onSubmit={(e) => {
        e.preventDefault();
        setApiKey(key.trim());
        setSaved(true);
        setTimeout(() => window.location.reload(), 200);
      }}
    >
      <input
        type="password"
        placeholder="API key"
        aria-label="API key"
        value={key}
        onChange={(e) => {
          setKey(e.target.value);
          setSaved(false);
        }}
      />
      <button type="submit">{saved ? 'Saved' : 'Use key'}</button>
    </form>
  );
}
