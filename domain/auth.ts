import { z } from "zod";

/**
 * Who a user is to the app: each role's screens and procedures are its own (README, "who"). In order of
 * authority, lowest first: the order the user screen lists them in.
 */
export const ROLES = ["officer", "supervisor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const USERNAME_MAX = 64;
export const PASSWORD_MAX = 256;

// Bounds keep a pasted novel or a megabyte of junk from ever reaching the password hash.
export const loginSchema = z.object({
  username: z.string().trim().min(1, "auth.usernameRequired").max(USERNAME_MAX, "auth.fieldTooLong"),
  password: z.string().min(1, "auth.passwordRequired").max(PASSWORD_MAX, "auth.fieldTooLong"),
});

export type LoginInput = z.infer<typeof loginSchema>;
