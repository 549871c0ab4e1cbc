'use client';

import { useEffect, useRef, useState } from 'react';
import { sendMessage } from './actions/send-message';

const CUT_OFF = 'The answer was cut off: the AI provider failed. Try again in a moment.';
const UNREACHABLE = 'The server could not be reached. Check your connection and try again.';

export function InsightsChat() {
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [streaming, setStreaming] = useState(false);
  // The answer being read, so that leaving the page stops reading it.
  const reading = useRef<ReadableStreamDefaultReader<string> | undefined>(undefined);

  useEffect(
    () => () => {
      void reading.current?.cancel();
    },
    [],
  );

  async function ask(): Promise<void> {
    setStreaming(true);
    setAnswer('');
    setError(undefined);
    let started = false;
    try {
      const result = await sendMessage(question);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      started = true;
      const reader = result.answer.getReader();
      reading.current = reader;
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        setAnswer((text) => text + next.value);
      }
    } catch {
      setError(started ? CUT_OFF : UNREACHABLE);
    } finally {
      reading.current = undefined;
      setStreaming(false);
    }
  }

  return (
    <section>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void ask();
        }}
      >
        <input
          type="text"
          name="question"
          aria-label="Question"
          placeholder="Which leads are most likely to close this month?"
          value={question}
          onChange={(event) => setQuestion(event.target.value)}
        />
        <button type="submit" disabled={streaming}>
          {streaming ? 'Asking…' : 'Ask'}
        </button>
      </form>
      {/* Always there, so a screen reader notices the answer; busy while it streams, so it is read once, whole. */}
      <div aria-live="polite" aria-busy={streaming}>
        {answer !== '' && <p className="answer">{answer}</p>}
      </div>
      {error !== undefined && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
