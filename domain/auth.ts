import { z } from "zod";

export const USERNAME_MAX = 64;
export const PASSWORD_MAX = 256;

// Bounds keep a pasted novel or a megabyte of junk from ever reaching the password hash.
export const loginSchema = z.object({
  username: z.string().trim().min(1, "auth.usernameRequired").max(USERNAME_MAX, "auth.fieldTooLong"),
  password: z.string().min(1, "auth.passwordRequired").max(PASSWORD_MAX, "auth.fieldTooLong"),
});

export type LoginInput = z.infer<typeof loginSchema>;
