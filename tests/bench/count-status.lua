-- SPDX-License-Identifier: Apache-2.0
-- wrk script: counts answers other than 200 (wrk itself counts 3xx as
-- success, but a redirect to sign in means the session was lost).  Given a
-- file of session cookies, one per line (wrk ... -- cookies.txt), each
-- request carries one of them picked at random.
local threads = {}
local requests = {} -- formatted once, one per cookie

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    not_ok = 0
    if args[1] then
        for line in io.lines(args[1]) do
            local headers = { Cookie = line }
            for name, value in pairs(wrk.headers) do
                headers[name] = value
            end
            requests[#requests + 1] = wrk.format(nil, nil, headers)
        end
        math.randomseed(os.time())
    end
end

function request()
    if #requests > 0 then
        return requests[math.random(#requests)]
    end
    return wrk.format()
end

function response(status, headers, body)
    if status ~= 200 then
        not_ok = not_ok + 1
    end
end

function done(summary, latency, requests)
    local total = 0
    for _, thread in ipairs(threads) do
        total = total + thread:get("not_ok")
    end
    io.write(string.format("Not 200: %d\n", total))
end
