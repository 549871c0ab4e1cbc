'use client';

import { useState, useTransition } from 'react';
import { sendMessage, type SendMessageResult } from './actions/send-message';

export function InsightsChat() {
  const [question, setQuestion] = useState('');
  const [result, setResult] = useState<SendMessageResult | undefined>();
  const [pending, startTransition] = useTransition();

  return (
    <section>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          startTransition(async () => setResult(await sendMessage(question)));
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
        <button type="submit" disabled={pending}>
          {pending ? 'Asking…' : 'Ask'}
        </button>
      </form>
      {result?.ok === true && <p className="answer">{result.answer}</p>}
      {result?.ok === false && <p className="error">{result.error}</p>}
    </section>
  );
}
