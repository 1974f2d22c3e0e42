CREATE TABLE `grant_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`grant_id` integer NOT NULL,
	`group_id` text NOT NULL,
	`status` text NOT NULL,
	`added_at` integer NOT NULL,
	`outcome` text,
	`gone_at` integer,
	`gone_by` text,
	`note` text,
	`last_error` text,
	`last_error_at` integer,
	FOREIGN KEY (`grant_id`) REFERENCES `grants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `grant_groups_grant_idx` ON `grant_groups` (`grant_id`,`status`);--> statement-breakpoint
ALTER TABLE `grants` ADD `ending_reason` text;--> statement-breakpoint
ALTER TABLE `grants` ADD `ending_since` integer;--> statement-breakpoint
-- Backfill: every group of a grant that is active or being removed is held until a removal says otherwise.
INSERT INTO `grant_groups` (`grant_id`, `group_id`, `status`, `added_at`)
SELECT `grants`.`id`, `g`.`value`, 'held', `grants`.`starts_at` FROM `grants`, json_each(`grants`.`groups`) AS `g`
WHERE `grants`.`status` IN ('active', 'ending') AND `grants`.`provider` <> 'manual';--> statement-breakpoint
-- Backfill: a removal under way started no later than its grant; its reason is in its newest removal job.
UPDATE `grants` SET `ending_since` = `grants`.`starts_at`, `ending_reason` = (
  SELECT json_extract(`jobs`.`payload`, '$.reason') FROM `jobs`
  WHERE `jobs`.`kind` = 'idp.deprovision' AND json_extract(`jobs`.`payload`, '$.grantId') = `grants`.`id`
  ORDER BY `jobs`.`id` DESC LIMIT 1
) WHERE `grants`.`status` = 'ending';
