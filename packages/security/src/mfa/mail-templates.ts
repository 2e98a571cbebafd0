/** Plain-text messages for codes, links and alerts. No secret but the code or link itself goes in. */
import type { MailMessage } from '../ports/message-senders.ts';

export function codeMail(to: string, product: string, code: string): MailMessage {
  return {
    to,
    subject: `${product} sign-in code`,
    text: `Your sign-in code is ${code}\n\nIt works once, for 10 minutes, for the sign-in you just started.\nIf you did not try to sign in, change your password.\n`,
  };
}

export function unlockMail(to: string, product: string, link: string): MailMessage {
  return {
    to,
    subject: `${product}: your account was locked`,
    text: `Your account was locked after too many failed sign-ins.\n\nIf it was you, open this single-use link to unlock it:\n${link}\n\nIf it was not you, leave it locked and tell your administrator.\n`,
  };
}

export function locationMail(
  to: string,
  product: string,
  link: string,
  network: string,
): MailMessage {
  return {
    to,
    subject: `${product}: confirm a sign-in from a new network`,
    text: `Someone signed in with your password from a network you have not used before (${network}).\n\nIf it was you, confirm it with this single-use link:\n${link}\n\nIf it was not you, change your password now.\n`,
  };
}

export function resetMail(to: string, product: string, link: string): MailMessage {
  return {
    to,
    subject: `${product}: reset your password`,
    text: `Open this single-use link within 30 minutes to choose a new password:\n${link}\n\nIf you did not ask for it, ignore this message.\n`,
  };
}

export function alertMail(to: string, product: string, what: string): MailMessage {
  return {
    to,
    subject: `${product} security alert`,
    text: `${what}\n\nIf this was not you, tell your administrator.\n`,
  };
}
