-- Who did what, week by week (weeks start on Monday, UTC).
select
    cast(date_trunc('week', day) as date) as week,
    member_id,
    member_username,
    sum(created_count) as created,
    sum(moved_count) as moved,
    sum(commented_count) as commented,
    sum(completed_count) as completed
from {{ ref('trello__board_daily_activity') }}
group by cast(date_trunc('week', day) as date), member_id, member_username
order by week, member_username, member_id
