CREATE TABLE `jira_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`changelog_id` text NOT NULL,
	`issue_key` text NOT NULL,
	`handler` text NOT NULL,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`actor_account_id` text,
	`actor_email` text,
	`request_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jira_events_changelog_uq` ON `jira_events` (`changelog_id`);--> statement-breakpoint
CREATE INDEX `jira_events_issue_idx` ON `jira_events` (`issue_key`);--> statement-breakpoint
CREATE INDEX `requests_jira_key_idx` ON `requests` (`jira_key`);