-- wrk: a day of many learners. USERS_FILE holds "<user> <token> <answered id> <unanswered id>"
-- lines; each request picks a random learner and, by weight, reads their quota, history or
-- stats, generates a challenge, or answers one they have.
local learners = {}
for line in io.lines(os.getenv("USERS_FILE")) do
  local _, token, answered = line:match("(%S+) (%S+) (%S+) (%S+)")
  learners[#learners + 1] = { token = token, answered = answered }
end

local reads = { "/api/quota", "/api/my-history?limit=20", "/api/stats" }

request = function()
  local learner = learners[math.random(#learners)]
  local headers = { ["Authorization"] = "Bearer " .. learner.token, ["Content-Type"] = "application/json" }
  local roll = math.random(100)
  if roll <= 70 then
    return wrk.format("GET", reads[math.random(#reads)], headers)
  elseif roll <= 85 then
    return wrk.format("POST", "/api/generate-challenge", headers, '{"difficulty": "easy"}')
  else
    return wrk.format("POST", "/api/challenges/" .. learner.answered .. "/answer", headers, '{"answer_id": 0}')
  end
end
