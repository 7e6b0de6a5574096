/* report-check.js: appended to a copy of the status page by t/0740; the
 * results go into <pre id="xs-check"> for chromium --dump-dom. */
window.addEventListener('load', function () { setTimeout(function () {
	var out = [], W = document.documentElement.clientWidth;
	function say(s) { out.push(s); }
	function inScroll(e) {
		for (e = e.parentElement; e; e = e.parentElement)
			if (e.classList && e.classList.contains('scroll'))
				return true;
		return false;
	}
	function wide(label) {
		var all = document.body.getElementsByTagName('*'), n = 0;
		for (var i = 0; i < all.length; i++) {
			var e = all[i];
			if (inScroll(e))
				continue;
			var r = e.getBoundingClientRect();
			if (r.width === 0 && r.height === 0)
				continue;
			if ((r.right > W + 0.5 || r.left < -0.5) && n++ < 20)
				say('WIDE ' + label + ' ' + e.tagName + (e.id ? '#' + e.id : '') +
				    (typeof e.className === 'string' && e.className ? '.' + e.className : '') +
				    ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' > ' + W);
		}
		if (document.documentElement.scrollWidth > W)
			say('HSCROLL ' + label + ' ' + document.documentElement.scrollWidth + ' > ' + W);
	}
	say('VIEWPORT ' + W);
	wide('collapsed');
	var links = document.querySelectorAll('a[href]');
	for (var i = 0; i < links.length; i++) {
		var h = links[i].getAttribute('href');
		if (/^https?:/.test(h))
			say('EXTERNAL ' + h);
		else if (h.charAt(0) === '#')
			say(document.getElementById(h.slice(1)) ? 'ANCHOR ok' : 'ANCHOR missing ' + h);
		else
			say('LINK ' + h);
	}
	var f = document.getElementById('filter');
	if (f) {
		var q = document.getElementById('q');
		var rows = document.querySelectorAll('#xsas tbody tr[data-xsa]');
		var vis = function () {
			var n = 0;
			for (var i = 0; i < rows.length; i++)
				if (!rows[i].hidden && rows[i].offsetParent !== null)
					n++;
			return n;
		};
		var hiddenAttr = function () {
			var n = 0;
			for (var i = 0; i < rows.length; i++)
				if (!rows[i].hidden)
					n++;
			return n;
		};
		say('FILTER ' + (f.hidden ? 'hidden' : 'shown'));
		say('ROWS ' + rows.length + ' ' + hiddenAttr());
		var pick = rows[rows.length - 1].getAttribute('data-xsa');
		q.value = 'XSA-' + pick;
		q.dispatchEvent(new Event('input'));
		say('FILTER-ONE ' + hiddenAttr() + ' ' + vis() + ' ' +
		    (document.getElementById('xsa-' + pick).offsetParent ? 'visible' : 'invisible'));
		q.value = '';
		q.dispatchEvent(new Event('input'));
		say('FILTER-CLEAR ' + hiddenAttr());
		var boxes = f.querySelectorAll('input[type=checkbox]');
		if (boxes.length) {
			var keep = boxes[boxes.length - 1].value, bad = 0;
			for (var j = 0; j < boxes.length; j++) {
				boxes[j].checked = boxes[j].value === keep;
				boxes[j].dispatchEvent(new Event('change'));
			}
			for (var i = 0; i < rows.length; i++) {
				var has = rows[i].querySelector('td.cell[data-state="' + keep + '"]') !== null;
				if (has === rows[i].hidden)
					bad++;
			}
			say('TOGGLE ' + keep + ' ' + hiddenAttr() + ' bad ' + bad);
			for (var j = 0; j < boxes.length; j++) {
				boxes[j].checked = true;
				boxes[j].dispatchEvent(new Event('change'));
			}
			say('TOGGLE-ALL ' + hiddenAttr());
		}
	}
	var d = document.querySelectorAll('details');
	for (var i = 0; i < d.length; i++)
		d[i].open = true;
	wide('expanded');
	say('INJECTED ' + document.querySelectorAll('#xsas td.title *:not(br):not(span)').length);
	var p = performance.getEntriesByType('paint');
	for (var i = 0; i < p.length; i++)
		say('PAINT ' + p[i].name + ' ' + Math.round(p[i].startTime));
	var pre = document.createElement('pre');
	pre.id = 'xs-check';
	pre.textContent = '\n' + out.join('\n') + '\n';
	(window.parent !== window ? window.parent.document.body : document.body).appendChild(
		window.parent !== window ? window.parent.document.importNode(pre, true) : pre);
}, 100); });
