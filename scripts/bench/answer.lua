-- wrk: POST /api/challenges/{ANSWER_ID}/answer with the bearer token from TOKEN.
wrk.method = "POST"
wrk.path = "/api/challenges/" .. os.getenv("ANSWER_ID") .. "/answer"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"answer_id": 1}'
