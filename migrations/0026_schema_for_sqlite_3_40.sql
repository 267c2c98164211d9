-- The schema stored in the file is part of its format: Debian 12's sqlite3 (3.40), Litestream
-- and backup tools parse it whenever they open the file. 0019 wrote the articles cell with an
-- ORDER BY inside group_concat() and with concat(), both SQLite 3.44+, so those tools refused
-- the whole file. Same text, same order, written with what SQLite 3.25+ parses: a window
-- function aggregates in its ORDER BY's order, and every part is NOT NULL, so || equals concat().
DROP TRIGGER request_articles_text_insert;
DROP TRIGGER request_articles_text_update;
DROP TRIGGER request_articles_text_delete;
DROP VIEW request_articles_text;

CREATE VIEW request_articles_text (request_id, text) AS
  SELECT request_id, text FROM (
    SELECT request_id,
      group_concat(position || '. ' || title || ' <' || url || '> (' || portion
          || CASE WHEN extract_words IS NULL THEN '' ELSE ', ' || extract_words || ' words' END || ')', '; ')
        OVER (PARTITION BY request_id ORDER BY position ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS text,
      row_number() OVER (PARTITION BY request_id ORDER BY position) AS n
    FROM request_articles
  ) WHERE n = 1;

CREATE TRIGGER request_articles_text_insert AFTER INSERT ON request_articles BEGIN
  UPDATE requests SET
    articles_text = (SELECT text FROM request_articles_text WHERE request_id = NEW.request_id),
    article_count = (SELECT COUNT(*) FROM request_articles a WHERE a.request_id = NEW.request_id),
    first_title = (SELECT a.title FROM request_articles a WHERE a.request_id = NEW.request_id ORDER BY a.position LIMIT 1)
  WHERE id = NEW.request_id;
END;
CREATE TRIGGER request_articles_text_update AFTER UPDATE ON request_articles BEGIN
  UPDATE requests SET
    articles_text = (SELECT text FROM request_articles_text WHERE request_id = NEW.request_id),
    article_count = (SELECT COUNT(*) FROM request_articles a WHERE a.request_id = NEW.request_id),
    first_title = (SELECT a.title FROM request_articles a WHERE a.request_id = NEW.request_id ORDER BY a.position LIMIT 1)
  WHERE id = NEW.request_id;
END;
CREATE TRIGGER request_articles_text_delete AFTER DELETE ON request_articles BEGIN
  UPDATE requests SET
    articles_text = (SELECT text FROM request_articles_text WHERE request_id = OLD.request_id),
    article_count = (SELECT COUNT(*) FROM request_articles a WHERE a.request_id = OLD.request_id),
    first_title = (SELECT a.title FROM request_articles a WHERE a.request_id = OLD.request_id ORDER BY a.position LIMIT 1)
  WHERE id = OLD.request_id;
END;
