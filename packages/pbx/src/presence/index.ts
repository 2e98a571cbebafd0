export { DialogPackage } from './dialog-package.ts';
export { DIALOG_INFO_TYPE, dialogInfoXml } from './dialog-info-xml.ts';
export type { ChangeKind, EventPackage, Rendered } from './event-package.ts';
export { EventNotifier, PRESENCE_PERMISSION } from './event-notifier.ts';
export type { EventNotifierOptions } from './event-notifier.ts';
export { PIDF_TYPE, pidfXml } from './pidf-xml.ts';
export type { PresenceDocument, RpidActivity } from './pidf-xml.ts';
export { PresencePackage } from './presence-package.ts';
export { PresenceService } from './presence-service.ts';
export type { PresenceEntry, PresenceEvents } from './presence-service.ts';
export { PresenceView, USER_STATUSES, presenceDocument } from './presence-view.ts';
export type {
  PresenceSnapshot,
  PresenceViewDeps,
  RegisteredUsers,
  UserStatus,
} from './presence-view.ts';
export { SUBSCRIPTION_TRANSITIONS, Subscription } from './subscription.ts';
export type { SubscriptionState, TerminationReason } from './subscription.ts';
export { DEFAULT_SUBSCRIPTION_POLICY } from './subscription-policy.ts';
export type { SubscriptionPolicy } from './subscription-policy.ts';
export { UserDialogs } from './user-dialogs.ts';
export type { UserDialog, UserDialogsChange, UserDialogsEvents } from './user-dialogs.ts';
export type { WatchedUser } from './watched-user.ts';
