CREATE TABLE `export_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`mime_type` text NOT NULL,
	`content` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `review_campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`apps` text NOT NULL,
	`reviewer` text NOT NULL,
	`due_at` integer NOT NULL,
	`unreviewed` text NOT NULL,
	`status` text NOT NULL,
	`failure` text,
	`jira_key` text,
	`jira_url` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`reminded_at` integer,
	`closed_at` integer,
	`closed_by` text
);
--> statement-breakpoint
CREATE TABLE `review_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`app_id` text NOT NULL,
	`role_id` text NOT NULL,
	`provider` text NOT NULL,
	`groups` text NOT NULL,
	`idp_user_id` text NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`title` text,
	`department` text,
	`account_status` text NOT NULL,
	`slack_id` text,
	`last_sign_in_at` integer,
	`last_sign_in_scope` text NOT NULL,
	`grant_id` integer,
	`request_id` integer,
	`jira_key` text,
	`recommendation` text NOT NULL,
	`recommendation_reason` text NOT NULL,
	`reviewer_slack_id` text,
	`reviewer_note` text,
	`decision` text,
	`decision_reason` text,
	`decision_note` text,
	`decided_by` text,
	`decided_at` integer,
	`flagged` integer DEFAULT false NOT NULL,
	`enforcement` text,
	`enforced_at` integer,
	`enforcement_error` text,
	`removed` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `review_campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_items_campaign_idx` ON `review_items` (`campaign_id`,`reviewer_slack_id`);--> statement-breakpoint
CREATE INDEX `review_items_grant_idx` ON `review_items` (`grant_id`);--> statement-breakpoint
ALTER TABLE `grants` ADD `ending_note` text;