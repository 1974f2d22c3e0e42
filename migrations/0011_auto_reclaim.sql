CREATE TABLE `group_removals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`provider` text NOT NULL,
	`idp_user_id` text NOT NULL,
	`group_id` text NOT NULL,
	`status` text NOT NULL,
	`outcome` text,
	`by` text NOT NULL,
	`error` text,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_removals_open_uq` ON `group_removals` (`provider`,`idp_user_id`,`group_id`) WHERE "group_removals"."status" in ('removing', 'failed');--> statement-breakpoint
CREATE INDEX `group_removals_account_idx` ON `group_removals` (`provider`,`idp_user_id`,`group_id`,`finished_at`);--> statement-breakpoint
CREATE TABLE `reclaim_cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`app_id` text NOT NULL,
	`role_id` text NOT NULL,
	`provider` text NOT NULL,
	`idp_user_id` text NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`slack_id` text NOT NULL,
	`groups` text NOT NULL,
	`last_sign_in_at` integer,
	`last_sign_in_scope` text NOT NULL,
	`grant_id` integer,
	`request_id` integer,
	`action` text NOT NULL,
	`seat_cost` real,
	`status` text NOT NULL,
	`warned_at` integer NOT NULL,
	`remove_at` integer NOT NULL,
	`kept_at` integer,
	`kept_reason` text,
	`decided_by` text,
	`removing_since` integer,
	`removed` text DEFAULT '{}' NOT NULL,
	`downgrade_request_id` integer,
	`restore_request_id` integer,
	`result` text,
	`error` text,
	`closed_at` integer,
	`restore_until` integer,
	`warning_channel` text,
	`warning_ts` text,
	`result_channel` text,
	`result_ts` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `reclaim_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reclaim_cases_open_uq` ON `reclaim_cases` (`app_id`,`role_id`,`provider`,`idp_user_id`) WHERE "reclaim_cases"."status" in ('warned', 'removing');--> statement-breakpoint
CREATE INDEX `reclaim_cases_app_idx` ON `reclaim_cases` (`app_id`,`status`);--> statement-breakpoint
CREATE INDEX `reclaim_cases_run_idx` ON `reclaim_cases` (`run_id`);--> statement-breakpoint
CREATE INDEX `reclaim_cases_grant_idx` ON `reclaim_cases` (`grant_id`);--> statement-breakpoint
CREATE TABLE `reclaim_exclusions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`app_id` text NOT NULL,
	`slack_id` text,
	`email` text,
	`reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reclaim_exclusions_app_idx` ON `reclaim_exclusions` (`app_id`);--> statement-breakpoint
CREATE TABLE `reclaim_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`app_id` text NOT NULL,
	`trigger` text NOT NULL,
	`requested_by` text,
	`status` text NOT NULL,
	`members` integer,
	`warned` integer,
	`no_telemetry` integer,
	`error` text,
	`summarized` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `reclaim_runs_app_idx` ON `reclaim_runs` (`app_id`,`status`);