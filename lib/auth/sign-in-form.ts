// The sign-in form's token, as posted to POST /api/auth/sign-in (its `next` goes through safeNextPath).
import { z } from 'zod';

export const SignInFormSchema = z.object({
  // Trimmed: a token pasted with a trailing newline or space is still the token.
  token: z.string().trim().min(1, 'Enter the dashboard token (DASHBOARD_TOKEN).'),
});

export type SignInForm = z.infer<typeof SignInFormSchema>;
