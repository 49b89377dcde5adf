-- wrk script for bench/run.py: add a unique extra query parameter to every request, so the
-- page cache (which skips unknown parameters) never answers: measures the page's real cost.
local counter = 0

function request()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "&bench=" .. counter)
end
