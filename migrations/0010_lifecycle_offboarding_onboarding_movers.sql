CREATE TABLE `bundle_offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`move_id` integer,
	`person_slack_id` text NOT NULL,
	`bundle_id` text NOT NULL,
	`offered_to` text NOT NULL,
	`status` text NOT NULL,
	`filed_by` text,
	`filed_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bundle_offers_person_idx` ON `bundle_offers` (`person_slack_id`,`status`);--> statement-breakpoint
CREATE TABLE `bundle_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`bundle_id` text NOT NULL,
	`person_slack_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bundle_requests_request_uq` ON `bundle_requests` (`request_id`);--> statement-breakpoint
CREATE INDEX `bundle_requests_person_idx` ON `bundle_requests` (`person_slack_id`);--> statement-breakpoint
CREATE TABLE `offboarding_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`offboarding_id` integer NOT NULL,
	`kind` text NOT NULL,
	`request_id` integer,
	`provider` text,
	`idp_user_id` text,
	`what` text NOT NULL,
	`status` text NOT NULL,
	`result` text,
	`reported` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`offboarding_id`) REFERENCES `offboardings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `offboarding_steps_offboarding_idx` ON `offboarding_steps` (`offboarding_id`);--> statement-breakpoint
CREATE INDEX `offboarding_steps_request_idx` ON `offboarding_steps` (`request_id`);--> statement-breakpoint
CREATE TABLE `offboardings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_slack_id` text,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`suspend` integer DEFAULT false NOT NULL,
	`source` text NOT NULL,
	`source_key` text,
	`requested_by` text,
	`status` text NOT NULL,
	`refusal` text,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `offboardings_source_key_uq` ON `offboardings` (`source_key`);--> statement-breakpoint
CREATE INDEX `offboardings_person_idx` ON `offboardings` (`person_slack_id`,`status`);--> statement-breakpoint
CREATE INDEX `offboardings_email_idx` ON `offboardings` (`email`,`status`);--> statement-breakpoint
CREATE TABLE `onboardings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_slack_id` text,
	`email` text NOT NULL,
	`bundles` text NOT NULL,
	`source` text NOT NULL,
	`source_key` text,
	`requested_by` text,
	`status` text NOT NULL,
	`refusal` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `onboardings_source_key_uq` ON `onboardings` (`source_key`);--> statement-breakpoint
CREATE TABLE `person_profiles` (
	`slack_id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`provider` text NOT NULL,
	`idp_user_id` text NOT NULL,
	`department` text,
	`title` text,
	`manager_email` text,
	`seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `profile_moves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slack_id` text NOT NULL,
	`from_department` text,
	`to_department` text,
	`from_manager` text,
	`to_manager` text,
	`campaign_id` integer,
	`detected_at` integer NOT NULL
);
